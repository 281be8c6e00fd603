// A study panel: a fixed, seeded list of distinct designs sampled from a space that the experiment's hardware model
// accepts (auto-folded to the throughput target when the space auto-folds), plus any extra designs the caller adds.
import type { ExperimentConfig } from './config.js';
import { candidateHash, createActionSpace, createRng, type Candidate } from './deps.js';
import { createHardwareEvaluator } from './hardwareAdapter.js';
import { resolveSpace } from './spaces.js';

/** One design of a panel with what the hardware model says of it. */
export interface PanelDesign {
  /** `sample-<k>` for sampled designs, or the caller's name for extra ones. */
  name: string;
  /** The design as the hardware model folded it (what trains). */
  candidate: Candidate;
  luts: number;
  throughputFps: number;
}

/** Options of feasiblePanel. */
export interface FeasiblePanelOptions {
  /** Sampled designs wanted. */
  count: number;
  /** Seed of the sampling generator. */
  seed: number;
  /** Uniform draws to try before giving up. @default 100,000 */
  maxDraws?: number;
}

/**
 * Samples `count` distinct feasible designs of `config.space` under `config.device` (uniform over the action space,
 * seeded), in draw order. Throws when the draws run out first; `draws` says how many it took.
 */
export const feasiblePanel = (
  config: ExperimentConfig,
  options: FeasiblePanelOptions,
): { designs: PanelDesign[]; draws: number } => {
  const space = resolveSpace(config.space);
  const actions = createActionSpace(space);
  const hardware = createHardwareEvaluator(config);
  const rng = createRng(options.seed);
  const seen = new Set<string>();
  const designs: PanelDesign[] = [];
  const maxDraws = options.maxDraws ?? 100_000;
  let draws = 0;
  while (designs.length < options.count) {
    if (draws >= maxDraws)
      throw new Error(
        `expected ${options.count} feasible designs of space '${space.name}' in ${maxDraws} draws, but found ${designs.length}; loosen device.maxLuts / device.minFps`,
      );
    draws += 1;
    const candidate = actions.decode(actions.dims.map((d) => rng.nextInt(d.size)));
    let report;
    try {
      report = hardware.evaluate(candidate, { autoFold: actions.autoFold });
    } catch {
      continue;
    }
    const hash = candidateHash(report.candidate);
    if (!report.feasible || seen.has(hash)) continue;
    seen.add(hash);
    designs.push({
      name: `sample-${designs.length}`,
      candidate: report.candidate,
      luts: report.luts,
      throughputFps: report.throughputFps,
    });
  }
  return { designs, draws };
};

/** Evaluates named extra designs (e.g. examples/candidates) under the config's device, auto-folded; keeps the feasible ones. */
export const feasibleExtras = (
  config: ExperimentConfig,
  extras: ReadonlyArray<{ name: string; candidate: Candidate }>,
): PanelDesign[] => {
  const hardware = createHardwareEvaluator(config);
  return extras.flatMap(({ name, candidate }) => {
    const report = hardware.evaluate(candidate, { autoFold: true });
    return report.feasible
      ? [{ name, candidate: report.candidate, luts: report.luts, throughputFps: report.throughputFps }]
      : [];
  });
};
