// Events of the distributed trainings: a `job-<jobId>` stream per TrainingRequested (claims, heartbeats, epochs
// and the result, written by workers at an expected revision) and a `worker-<workerId>` stream per worker process.
// Registered in the catalog when this module loads (src/events/index.ts imports it); experiment streams stay the loop's.
import { z } from 'zod';
import { registerEvent } from './catalog.js';

/** Prefix of every job stream: `job-<jobId>`. */
export const JOB_STREAM_PREFIX = 'job-';
/** Prefix of every worker stream: `worker-<workerId>`. */
export const WORKER_STREAM_PREFIX = 'worker-';

/** The stream of one training job. */
export const jobStreamId = (jobId: string): string => `${JOB_STREAM_PREFIX}${jobId}`;
/** The stream of one worker process. */
export const workerStreamId = (workerId: string): string => `${WORKER_STREAM_PREFIX}${workerId}`;

const id = z.string().min(1);
const count = z.number().int().nonnegative();
/** Who holds the job: each claim of a job is the next attempt (1 and up). */
const holder = { jobId: id, workerId: id, attempt: z.number().int().positive() };
/** ISO-8601 time, from the worker's clock, after which another worker may claim the job. */
const leaseExpiresAt = z.iso.datetime();

/** A worker won the job: appended at the job stream's expected revision, so exactly one claim wins each attempt. */
export const TrainingClaimedData = z.looseObject({
  ...holder,
  experimentId: id,
  candidateId: id,
  host: z.string(),
  leaseExpiresAt,
  /** The worker's trainer backend and training-image count, mirrored into TrainingStarted. */
  backend: z.string(),
  trainImages: count,
});

/** A heartbeat of the holder: the lease now runs to `leaseExpiresAt`. */
export const LeaseRenewedData = z.looseObject({ ...holder, leaseExpiresAt });

/** One finished epoch of the holder's training; it renews the lease too. */
export const EpochReportedData = z.looseObject({
  ...holder,
  leaseExpiresAt,
  epoch: count,
  loss: z.number(),
  trainAccuracy: z.number(),
  valAccuracy: z.number().optional(),
  imagesPerSec: z.number().nonnegative(),
});

const result = {
  accuracy: z.number(),
  testAccuracy: z.number().optional(),
  epochs: count,
  trainSeconds: z.number().nonnegative(),
  backend: z.string(),
  zeroCost: z.string().min(1).optional(),
};

/** The holder's result. The first one of the current attempt is the job's result; the loop counts nothing else. */
export const TrainingReportedData = z.looseObject({ ...holder, ...result });

/** A result that arrived after its worker lost the lease (another worker claimed the job): kept, never counted. */
export const TrainingResultRejectedData = z.looseObject({ ...holder, ...result, reason: z.string() });

/**
 * The holder gave the job up. `retryable`: it was stopped or cut off, so another worker may claim the job at once;
 * otherwise the training itself failed, and the loop fails the experiment with `error`.
 */
export const TrainingAbandonedData = z.looseObject({
  ...holder,
  retryable: z.boolean(),
  error: z.looseObject({ code: z.string(), message: z.string() }),
});

/** A worker process came up. */
export const WorkerStartedData = z.looseObject({
  workerId: id,
  host: z.string(),
  pid: z.number().int().nonnegative(),
  /** Lease of each claim, in seconds. */
  leaseSeconds: z.number().positive(),
});

/** A worker process stopped cleanly (signal, lost store, `--max-jobs` reached). */
export const WorkerStoppedData = z.looseObject({ workerId: id, reason: z.string(), trained: count });

export type TrainingClaimedData = z.infer<typeof TrainingClaimedData>;
export type LeaseRenewedData = z.infer<typeof LeaseRenewedData>;
export type EpochReportedData = z.infer<typeof EpochReportedData>;
export type TrainingReportedData = z.infer<typeof TrainingReportedData>;
export type TrainingResultRejectedData = z.infer<typeof TrainingResultRejectedData>;
export type TrainingAbandonedData = z.infer<typeof TrainingAbandonedData>;
export type WorkerStartedData = z.infer<typeof WorkerStartedData>;
export type WorkerStoppedData = z.infer<typeof WorkerStoppedData>;

/** The data of each job-stream event, by type. */
export interface JobEventData {
  TrainingClaimed: TrainingClaimedData;
  LeaseRenewed: LeaseRenewedData;
  EpochReported: EpochReportedData;
  TrainingReported: TrainingReportedData;
  TrainingResultRejected: TrainingResultRejectedData;
  TrainingAbandoned: TrainingAbandonedData;
}
export type JobEventType = keyof JobEventData;

/** The data of each worker-stream event, by type. */
export interface WorkerEventData {
  WorkerStarted: WorkerStartedData;
  WorkerStopped: WorkerStoppedData;
}
export type WorkerEventType = keyof WorkerEventData;

const jobDefinitions: Array<[JobEventType | WorkerEventType, z.ZodType]> = [
  ['TrainingClaimed', TrainingClaimedData],
  ['LeaseRenewed', LeaseRenewedData],
  ['EpochReported', EpochReportedData],
  ['TrainingReported', TrainingReportedData],
  ['TrainingResultRejected', TrainingResultRejectedData],
  ['TrainingAbandoned', TrainingAbandonedData],
  ['WorkerStarted', WorkerStartedData],
  ['WorkerStopped', WorkerStoppedData],
];
for (const [type, data] of jobDefinitions) registerEvent({ type, schemaVersion: 1, data });
