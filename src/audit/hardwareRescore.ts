// The default re-scoring evaluator: the analytical FPGA model of src/hardware applied to a recorded candidate,
// optionally re-folded (PE × SIMD) for the new frame-rate target. No training, no I/O.
import { autoFold, checkHardware, resolveDevice } from '../hardware/index.js';
import { validateCandidate } from '../space/index.js';
import type { RescoreEvaluator } from './rescore.js';

export interface HardwareRescoreOptions {
  /**
   * Re-fold each candidate for the new `minFps` before checking it (folding is a hardware choice, so no retraining
   * is needed). @default false: the design is judged with the folding it was built with
   */
  refold?: boolean;
}

/** A RescoreEvaluator backed by src/hardware: resolves the device preset and checks LUTs and throughput. */
export const createHardwareRescoreEvaluator =
  (options: HardwareRescoreOptions = {}): RescoreEvaluator =>
  (json, constraints) => {
    const device = resolveDevice(constraints.device);
    let candidate = validateCandidate(json);
    if (options.refold === true && constraints.minFps !== undefined && constraints.minFps > 0) {
      candidate = autoFold(candidate, device, { minFps: constraints.minFps }).candidate;
    }
    const budget = {
      ...(constraints.maxLuts === undefined ? {} : { maxLuts: constraints.maxLuts }),
      ...(constraints.minFps === undefined ? {} : { minFps: constraints.minFps }),
    };
    const result = checkHardware(candidate, device, budget);
    return {
      luts: result.luts,
      throughputFps: result.throughputFps,
      latencyMs: result.latencyMs,
      feasible: result.feasible,
      violations: result.violations.map((v) => ({ constraint: v.constraint, limit: v.limit, actual: v.actual })),
    };
  };
