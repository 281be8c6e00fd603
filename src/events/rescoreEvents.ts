// Events of a `rescoring-<rescoringId>` stream: a finished experiment re-evaluated under new hardware constraints.
// Registered in the catalog when this module loads (src/events/index.ts imports it); the experiment stream is untouched.
import { z } from 'zod';
import { registerEvent } from './catalog.js';

/** Prefix of every re-scoring stream: `rescoring-<rescoringId>`. */
export const RESCORING_STREAM_PREFIX = 'rescoring-';

/** The stream of one re-scoring. */
export const rescoringStreamId = (rescoringId: string): string => `${RESCORING_STREAM_PREFIX}${rescoringId}`;

const id = z.string().min(1);

export const RescoreConstraints = z.looseObject({
  device: z.string(),
  maxLuts: z.number().positive().optional(),
  minFps: z.number().nonnegative().optional(),
});

export const RescoreStartedData = z.looseObject({
  rescoringId: id,
  experimentId: id,
  constraints: RescoreConstraints,
  /** Last global position of the experiment stream that the re-scoring read. */
  sourcePosition: z.number().int().nonnegative(),
  /** Hash of that last event, tying the re-scoring to the exact history it judged. */
  sourceHash: z.string(),
});

export const CandidateRescoredData = z.looseObject({
  rescoringId: id,
  experimentId: id,
  candidateId: id,
  accuracy: z.number(),
  luts: z.number().nonnegative(),
  throughputFps: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  feasible: z.boolean(),
  violations: z.array(z.looseObject({ constraint: z.string(), limit: z.number(), actual: z.number() })),
});

export const RescoreCompletedData = z.looseObject({
  rescoringId: id,
  experimentId: id,
  evaluated: z.number().int().nonnegative(),
  feasible: z.number().int().nonnegative(),
  bestCandidateId: id.nullable(),
  bestAccuracy: z.number().nullable(),
});

export type RescoreStartedData = z.infer<typeof RescoreStartedData>;
export type CandidateRescoredData = z.infer<typeof CandidateRescoredData>;
export type RescoreCompletedData = z.infer<typeof RescoreCompletedData>;

registerEvent({ type: 'RescoreStarted', schemaVersion: 1, data: RescoreStartedData });
registerEvent({ type: 'CandidateRescored', schemaVersion: 1, data: CandidateRescoredData });
registerEvent({ type: 'RescoreCompleted', schemaVersion: 1, data: RescoreCompletedData });
