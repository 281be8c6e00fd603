// The event catalog's zod definitions: one object per event (type, schemaVersion, data). Types come from z.infer,
// so the validator and the type cannot drift. `candidate` and hardware `layers` stay loose on purpose: the space and
// hardware modules own their validation. `config` is the experiment config's own schema (experimentConfig.ts).
import { z } from 'zod';
import { ExperimentConfigShape } from './experimentConfig.js';

const id = z.string().min(1);
const count = z.number().int().nonnegative();
/** A JSON object whose shape another module owns (candidate, config, per-layer breakdown). */
const looseRecord = z.record(z.string(), z.unknown());

// Data objects are loose: extra (optional) fields written by newer writers pass through unchanged,
// so the hash chain over the stored data stays verifiable by older readers.
export const ExperimentStartedData = z.looseObject({
  experimentId: id,
  name: z.string(),
  /** The parsed config (experimentConfig.ts), defaults filled in: validated here, once, on append. */
  config: ExperimentConfigShape,
  seed: z.number().int(),
});

export const CandidateProposedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  /** 0-based index of the candidate within the experiment. */
  index: count,
  candidate: looseRecord,
  actions: z.array(z.number()),
  logProbs: z.array(z.number()),
  rng: z.looseObject({ seed: z.number().int(), position: count }),
  /** Controller kind that proposed it: 'rl' | 'random' | 'evolution' | 'separate' | 'hotstart' | … */
  controller: z.string(),
  /** Position of the experiment rng after this proposal (absent in early logs: the next proposal starts at `rng.position`). */
  rngPositionAfter: count.optional(),
  /** A float design (the separate baseline's stage 1): trained without quantization, never a feasible result. */
  float: z.boolean().optional(),
  /** The hardware model picks its PE/SIMD folding (the controller proposed only the network). */
  autoFold: z.boolean().optional(),
  /** The controller's note on why it proposed this design (e.g. a hot-start zoo member). */
  note: z.string().optional(),
});

export const ConstraintViolation = z.looseObject({
  constraint: z.string(),
  limit: z.number(),
  actual: z.number(),
});

export const HardwareEvaluatedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  device: z.string(),
  luts: z.number().nonnegative(),
  throughputFps: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  feasible: z.boolean(),
  violations: z.array(ConstraintViolation),
  layers: z.array(looseRecord),
  /** The design as evaluated, with the folding the model chose (absent in early logs). */
  foldedCandidate: looseRecord.optional(),
  /** A float design's evaluation: recorded for information, its verdict gates nothing. */
  gateIgnored: z.boolean().optional(),
});

export const TrainingStartedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  backend: z.string(),
  epochs: count,
  batchSize: z.number().int().positive(),
  trainImages: count,
  workerId: z.string().optional(),
  /** The job a worker trained it under (dispatch 'workers'); absent when the loop trained it itself. */
  jobId: z.string().optional(),
  /** Multi-fidelity rung of this training (1 and up); absent for the proxy (rung 0) and final runs. */
  rung: count.optional(),
  /** A zero-cost scoring (e.g. `naswot`) rather than a training; `epochs` is 0. */
  zeroCost: z.string().min(1).optional(),
  /** The final training of a finished search's top designs (the final recipe), not its proxy. */
  final: z.boolean().optional(),
  /** A training without quantization (a float design, see CandidateProposed.float). */
  float: z.boolean().optional(),
});

/**
 * The loop hands one training to the workers (config `dispatch: 'workers'`): everything a worker needs to train it
 * without deciding anything. Workers claim it in the job stream `job-<jobId>` (src/events/jobEvents.ts); the loop
 * then mirrors the claim, the epochs and the counted result here as TrainingStarted, EpochCompleted and
 * CandidateTrained, each carrying `jobId` and `workerId`.
 */
export const TrainingRequestedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  jobId: id,
  /** 'proxy', 'final' or `rung<r>`, as in the event ids of the training. */
  kind: z.string().min(1),
  /** The design to train (after auto-folding). */
  candidate: looseRecord,
  /** The trainer's options: epochs, batchSize, learningRate, seed, float, final, subset, augment, warmupEpochs, weightDecay, zeroCost. */
  options: z.looseObject({
    epochs: count,
    batchSize: z.number().int().positive(),
    learningRate: z.number().positive(),
    seed: z.number().int(),
  }),
  /** Multi-fidelity rung (1 and up); absent for the proxy and final runs. */
  rung: count.optional(),
  final: z.boolean().optional(),
});

export const EpochCompletedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  epoch: count,
  loss: z.number(),
  trainAccuracy: z.number(),
  valAccuracy: z.number().optional(),
  imagesPerSec: z.number().nonnegative(),
  /** Multi-fidelity rung of this training (1 and up); absent for the proxy (rung 0) and final runs. */
  rung: count.optional(),
  /** The job and worker of a training handed to the workers (dispatch 'workers'). */
  jobId: z.string().optional(),
  workerId: z.string().optional(),
  /** An epoch of a final training (see TrainingStarted.final). */
  final: z.boolean().optional(),
  /** A training without quantization (a float design, see CandidateProposed.float). */
  float: z.boolean().optional(),
});

export const CandidateTrainedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  accuracy: z.number(),
  testAccuracy: z.number().optional(),
  epochs: count,
  trainSeconds: z.number().nonnegative(),
  backend: z.string(),
  /** Multi-fidelity rung of this training (1 and up); absent for the proxy (rung 0) and final runs. */
  rung: count.optional(),
  /** The job and worker whose result this is (dispatch 'workers'); absent when the loop trained it itself. */
  jobId: z.string().optional(),
  workerId: z.string().optional(),
  /**
   * Present (e.g. `naswot`): `accuracy` holds this zero-cost score of the untrained net, not a probability (NASWOT
   * is a log-determinant, often in the hundreds), and `epochs` is 0. Readers of accuracies skip it (isZeroCostScore).
   */
  zeroCost: z.string().min(1).optional(),
  /** The result of a final training (see TrainingStarted.final): it supersedes the proxy's and the rungs' accuracy. */
  final: z.boolean().optional(),
  /** A training without quantization (a float design, see CandidateProposed.float). */
  float: z.boolean().optional(),
});

export const RewardAssignedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  reward: z.number(),
  reason: z.string(),
});

export const PolicyUpdatedData = z.looseObject({
  experimentId: id,
  step: count,
  baseline: z.number(),
  loss: z.number().optional(),
  /** Controller parameters or a reference to them; the search module owns the shape. */
  checkpoint: z.unknown().optional(),
  /** Multi-fidelity search: the reward each child was learned from, and the rung it came from. */
  rewards: z.array(z.looseObject({ candidateId: id, reward: z.number(), rung: count })).optional(),
});

/**
 * Multi-fidelity search (successive halving): a candidate ranked in the top 1/η of the candidates finished at
 * `fromRung`, so it trains again at `toRung` (longer, or on more images).
 */
export const CandidatePromotedData = z.looseObject({
  experimentId: id,
  candidateId: id,
  fromRung: count,
  toRung: z.number().int().positive(),
  /** Its validation accuracy at `fromRung`. */
  score: z.number(),
  /** The bar it cleared: the score of the last candidate inside the top 1/η of the rung at the time. */
  cutoff: z.number(),
  /** Its rank (1 = best) among the `rungSize` candidates finished at `fromRung`. */
  rank: z.number().int().positive(),
  rungSize: z.number().int().positive(),
});

/** Multi-fidelity search: when the search stops, a rung's final cut-off, and which candidates it promoted and cut. */
export const RungClosedData = z.looseObject({
  experimentId: id,
  rung: count,
  /** Score of the last candidate inside the top 1/η of the rung; null when the rung kept nobody. */
  cutoff: z.number().nullable(),
  promoted: z.array(id),
  cut: z.array(id),
});

export const ExperimentCompletedData = z.looseObject({
  experimentId: id,
  bestCandidateId: id.nullable(),
  reason: z.string(),
  proposed: count,
  pruned: count,
  trained: count,
});

export const ExperimentFailedData = z.looseObject({
  experimentId: id,
  error: z.looseObject({ code: z.string(), message: z.string() }),
});

export const ExperimentCancelledData = z.looseObject({
  experimentId: id,
  reason: z.string(),
});

/** An operator asked the search runner to pick an unfinished experiment up again (after its process stopped). */
export const ExperimentResumedData = z.looseObject({
  experimentId: id,
  reason: z.string(),
});

const define = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), schemaVersion: z.literal(1), data });

export const ExperimentStarted = define('ExperimentStarted', ExperimentStartedData);
export const CandidateProposed = define('CandidateProposed', CandidateProposedData);
export const HardwareEvaluated = define('HardwareEvaluated', HardwareEvaluatedData);
export const TrainingRequested = define('TrainingRequested', TrainingRequestedData);
export const TrainingStarted = define('TrainingStarted', TrainingStartedData);
export const EpochCompleted = define('EpochCompleted', EpochCompletedData);
export const CandidateTrained = define('CandidateTrained', CandidateTrainedData);
export const RewardAssigned = define('RewardAssigned', RewardAssignedData);
export const PolicyUpdated = define('PolicyUpdated', PolicyUpdatedData);
export const CandidatePromoted = define('CandidatePromoted', CandidatePromotedData);
export const RungClosed = define('RungClosed', RungClosedData);
export const ExperimentCompleted = define('ExperimentCompleted', ExperimentCompletedData);
export const ExperimentFailed = define('ExperimentFailed', ExperimentFailedData);
export const ExperimentCancelled = define('ExperimentCancelled', ExperimentCancelledData);
export const ExperimentResumed = define('ExperimentResumed', ExperimentResumedData);

/** The union of every event of an `experiment-<id>` stream, discriminated by `type`. */
export const ExperimentEvent = z.discriminatedUnion('type', [
  ExperimentStarted,
  CandidateProposed,
  HardwareEvaluated,
  TrainingRequested,
  TrainingStarted,
  EpochCompleted,
  CandidateTrained,
  RewardAssigned,
  PolicyUpdated,
  CandidatePromoted,
  RungClosed,
  ExperimentCompleted,
  ExperimentFailed,
  ExperimentCancelled,
  ExperimentResumed,
]);

export type ExperimentEvent = z.infer<typeof ExperimentEvent>;
export type ExperimentEventType = ExperimentEvent['type'];
/** The `data` of the experiment event named `T`. */
export type EventData<T extends ExperimentEventType> = Extract<ExperimentEvent, { type: T }>['data'];
/** What a writer may pass for an event's data: append validates it and stores the parsed EventData (defaults filled). */
export type EventInput<T extends ExperimentEventType> = Extract<z.input<typeof ExperimentEvent>, { type: T }>['data'];

export type ExperimentStarted = z.infer<typeof ExperimentStarted>;
export type CandidateProposed = z.infer<typeof CandidateProposed>;
export type HardwareEvaluated = z.infer<typeof HardwareEvaluated>;
export type TrainingRequested = z.infer<typeof TrainingRequested>;
export type TrainingStarted = z.infer<typeof TrainingStarted>;
export type EpochCompleted = z.infer<typeof EpochCompleted>;
export type CandidateTrained = z.infer<typeof CandidateTrained>;
export type RewardAssigned = z.infer<typeof RewardAssigned>;
export type PolicyUpdated = z.infer<typeof PolicyUpdated>;
export type CandidatePromoted = z.infer<typeof CandidatePromoted>;
export type RungClosed = z.infer<typeof RungClosed>;
export type ExperimentCompleted = z.infer<typeof ExperimentCompleted>;
export type ExperimentFailed = z.infer<typeof ExperimentFailed>;
export type ExperimentCancelled = z.infer<typeof ExperimentCancelled>;
export type ExperimentResumed = z.infer<typeof ExperimentResumed>;

/** Every definition of the first catalog, in lifecycle order. */
export const experimentEventDefinitions = ExperimentEvent.options;
