// The narrow interfaces the search loop needs from its collaborators: the action space of a search space, the
// hardware model and a trainer. Adapters to src/space, src/hardware and src/engine live in adapters.ts.
import type { Candidate } from '../space/candidate.js';

/** One discrete decision of the controller: `size` choices, a `kind` shared by every layer (heads are shared). */
export interface ActionDim {
  /** e.g. `layers[2].filters`. */
  name: string;
  /** Decision type shared across layers, e.g. `filters`; the RL policy shares one head per kind. */
  kind: string;
  size: number;
}

/** The action space of a search space: a fixed-length vector of discrete choices, and its decoding. */
export interface ActionSpace {
  readonly spaceName: string;
  readonly dims: readonly ActionDim[];
  /** Builds the candidate an action vector describes (folding PE = SIMD = 1 when the space auto-folds). */
  decode(actions: readonly number[]): Candidate;
  /** The action dims that matter for a given vector (e.g. layers beyond the chosen depth are ignored). */
  usedDims(actions: readonly number[]): boolean[];
  /** Whether folding is chosen by the hardware model instead of the controller. */
  readonly autoFold: boolean;
}

/** A constraint a design breaks, with how far. */
export interface Violation {
  constraint: string;
  limit: number;
  actual: number;
}

export interface HardwareReport {
  device: string;
  luts: number;
  throughputFps: number;
  latencyMs: number;
  feasible: boolean;
  violations: Violation[];
  layers: Record<string, unknown>[];
  /** The candidate after auto-folding (equal to the input when folding is searched). */
  candidate: Candidate;
}

/** The hardware model seen by the loop: pure, fast and deterministic. */
export interface HardwareEvaluator {
  readonly device: string;
  evaluate(candidate: Candidate, options: { autoFold: boolean }): HardwareReport;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valAccuracy?: number;
  imagesPerSec: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seed of the trainer's own generator (init, shuffles); derived from the experiment seed and candidate index. */
  seed: number;
  /** Train the float network (the separate baseline's architecture phase) instead of the quantized one. */
  float?: boolean;
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Validation accuracy, 0..1. */
  accuracy: number;
  testAccuracy?: number;
  epochs: number;
  trainSeconds: number;
  backend: string;
}

/** Trains one candidate. The engine's trainer and the worker pool implement it; so does the test oracle. */
export interface CandidateTrainer {
  /** Backend name recorded in TrainingStarted, e.g. `oracle`, `wasm`, `tensorflow`. */
  readonly backend: string;
  /** Number of training images, recorded in TrainingStarted. */
  readonly trainImages: number;
  train(candidate: Candidate, options: TrainOptions, onEpoch: (epoch: EpochReport) => Promise<void> | void): Promise<TrainResult>;
}
