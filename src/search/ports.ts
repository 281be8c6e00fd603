// The narrow interfaces the search loop needs from its collaborators: the hardware model and a trainer (the action
// space of a search space is src/space's createActionSpace). Adapters: hardwareAdapter.ts, engineTrainer.ts.
import type { Candidate } from './deps.js';

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
  /**
   * A final run (finalTraining) rather than a proxy: the engine trains on the whole training split (or
   * `finalTraining.subset`) and also measures test accuracy.
   */
  final?: boolean;
  /** Training images of this run (a multi-fidelity rung's `subset`). @default the proxy's (dataset.subset) */
  subset?: number;
  /** Random crop and flip. @default the trainer's (true for the engine) */
  augment?: boolean;
  /** Epochs of linear learning-rate warm-up. @default 0 */
  warmupEpochs?: number;
  /** L2 penalty. @default the trainer's (5e-4 for the engine) */
  weightDecay?: number;
  /** Score the untrained net with this zero-cost score instead of training it (`epochs` is then ignored). */
  zeroCost?: 'naswot';
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Validation accuracy, 0..1; the score itself when `zeroCost` is set. */
  accuracy: number;
  /** The zero-cost score `accuracy` holds (echoes TrainOptions.zeroCost; the loop checks it did). */
  zeroCost?: string;
  testAccuracy?: number;
  epochs: number;
  trainSeconds: number;
  backend: string;
}

/** Trains one candidate. The engine's trainer and the worker pool implement it; so does the test oracle. */
export interface CandidateTrainer {
  /** Backend name recorded in TrainingStarted, e.g. `oracle`, `wasm`, `tensorflow`. */
  readonly backend: string;
  /** Number of training images of a proxy run, recorded in TrainingStarted. */
  readonly trainImages: number;
  /** Number of training images of a final run (`final: true`), recorded in its TrainingStarted. @default trainImages */
  readonly finalTrainImages?: number;
  /** Images of the whole training split (after the validation split), the most any `subset` can use. @default unknown */
  readonly splitImages?: number;
  train(
    candidate: Candidate,
    options: TrainOptions,
    onEpoch: (epoch: EpochReport) => Promise<void> | void,
  ): Promise<TrainResult>;
}

/** A requested training as its job stream shows it (dispatch 'workers'). */
export interface JobView {
  /** The current claim: who holds (or last held) the job, and with which trainer. */
  claim?: { workerId: string; host: string; attempt: number; backend: string; trainImages: number };
  /** The current attempt's epochs, in order. */
  epochs: EpochReport[];
  /** The counted result: the first report of the attempt that held the job. */
  result?: { workerId: string; attempt: number; result: TrainResult };
  /** The training itself failed on a worker (not a lost lease): the loop fails the experiment with it. */
  failure?: { workerId: string; code: string; message: string };
}

/** Where the loop looks up the trainings it handed to workers; the workers module implements it over the store. */
export interface TrainingDispatcher {
  /** The job's claim, epochs and outcome so far. */
  inspect(jobId: string): Promise<JobView>;
  /** The longest the loop sleeps between looks while it waits, in ms. @default 250 */
  readonly pollMs?: number;
  /** Resolves at the next event of any job stream, after `timeoutMs`, or when `signal` aborts; absent: a plain sleep. */
  waitForChange?(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
