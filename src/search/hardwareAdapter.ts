// Adapts src/hardware to the loop's HardwareEvaluator: device preset (with an optional clock override), the
// config's constraints, auto-folding to the throughput target, and the per-layer breakdown as plain records.
import { autoFold, checkHardware, resolveDevice } from '../hardware/index.js';
import type { ExperimentConfig } from './config.js';
import { validateCandidate, type Candidate } from './deps.js';
import type { HardwareEvaluator, HardwareReport } from './ports.js';

/** The hardware model for an experiment: `config.device` preset and constraints. Throws on an unknown preset. */
export const createHardwareEvaluator = (config: ExperimentConfig): HardwareEvaluator => {
  const preset = resolveDevice(config.device.preset);
  const device = config.device.clockMhz === undefined ? preset : { ...preset, clockMhz: config.device.clockMhz };
  const budget = {
    ...(config.device.maxLuts === undefined ? {} : { maxLuts: config.device.maxLuts }),
    ...(config.device.minFps === undefined ? {} : { minFps: config.device.minFps }),
  };
  return {
    device: device.name,
    evaluate(candidate: Candidate, options: { autoFold: boolean }): HardwareReport {
      validateCandidate(candidate);
      // Without a throughput target the cheapest folding is PE = SIMD = 1, which is what decode produced.
      const folded =
        options.autoFold && budget.minFps !== undefined
          ? autoFold(candidate, device, { minFps: budget.minFps }).candidate
          : candidate;
      const r = checkHardware(folded, device, budget);
      return {
        device: r.device,
        luts: r.luts,
        throughputFps: r.throughputFps,
        latencyMs: r.latencyMs,
        feasible: r.feasible,
        violations: r.violations.map((v) => ({ constraint: v.constraint, limit: v.limit, actual: v.actual })),
        layers: r.layers.map((l) => ({
          index: l.index,
          kind: l.kind,
          pe: l.pe,
          simd: l.simd,
          luts: l.luts,
          bram36: l.bram36,
          cyclesPerImage: l.cyclesPerImage,
          maxFps: l.maxFps,
        })),
        candidate: folded,
      };
    },
  };
};
