// The fold of one `job-<jobId>` stream, and its rules: who holds the job, whether it may be claimed now, and which
// result counts. Pure: time arrives as `nowMs`. Workers claim with it; the store dispatcher answers the loop with it.
import type { JobEventData, JobEventType } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';

export interface JobClaim {
  workerId: string;
  host: string;
  attempt: number;
  backend: string;
  trainImages: number;
  claimedAt: string;
  /** Epoch ms after which another worker may claim the job. */
  leaseExpiresMs: number;
}

export interface JobEpoch {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valAccuracy?: number;
  imagesPerSec: number;
}

export interface JobState {
  jobId: string;
  /** Revision of the last event folded; -1 for an empty stream (claim it at 'no_stream'). */
  revision: number;
  /** Number of claims so far; the next claim is attempt `attempts + 1`. */
  attempts: number;
  claim?: JobClaim;
  /** The current attempt's epochs, in order. */
  epochs: JobEpoch[];
  /** The counted result: the first report of the attempt that held the job when it reported. */
  result?: JobEventData['TrainingReported'] & { recordedAt: string };
  /** The current holder gave the job up: retryable (stopped, cut off) or not (the training failed). */
  abandoned?: JobEventData['TrainingAbandoned'];
  /** Results that arrived without the lease, kept and not counted. */
  rejected: number;
  /** Time of the last event (a claim, heartbeat, epoch or result). */
  updatedAt?: string;
}

export const initialJobState = (jobId: string): JobState => ({
  jobId,
  revision: -1,
  attempts: 0,
  epochs: [],
  rejected: 0,
});

const holds = (state: JobState, data: { workerId: string; attempt: number }): boolean =>
  state.claim !== undefined && state.claim.workerId === data.workerId && state.claim.attempt === data.attempt;

/** Folds one job-stream event into the state (mutates and returns it). Events of other types are skipped. */
export const evolveJob = (state: JobState, recorded: RecordedEvent): JobState => {
  state.revision = Math.max(state.revision, recorded.revision);
  state.updatedAt = recorded.metadata.recordedAt;
  const type = recorded.type as JobEventType;
  switch (type) {
    case 'TrainingClaimed': {
      const d = recorded.data as JobEventData['TrainingClaimed'];
      state.attempts = Math.max(state.attempts, d.attempt);
      state.claim = {
        workerId: d.workerId,
        host: d.host,
        attempt: d.attempt,
        backend: d.backend,
        trainImages: d.trainImages,
        claimedAt: recorded.metadata.recordedAt,
        leaseExpiresMs: Date.parse(d.leaseExpiresAt),
      };
      state.epochs = [];
      delete state.abandoned;
      return state;
    }
    case 'LeaseRenewed':
    case 'EpochReported': {
      const d = recorded.data as JobEventData['LeaseRenewed'] | JobEventData['EpochReported'];
      if (!holds(state, d) || state.claim === undefined) return state;
      state.claim.leaseExpiresMs = Date.parse(d.leaseExpiresAt);
      if (type === 'EpochReported') {
        const e = d as JobEventData['EpochReported'];
        state.epochs.push({
          epoch: e.epoch,
          loss: e.loss,
          trainAccuracy: e.trainAccuracy,
          imagesPerSec: e.imagesPerSec,
          ...(e.valAccuracy === undefined ? {} : { valAccuracy: e.valAccuracy }),
        });
      }
      return state;
    }
    case 'TrainingReported': {
      const d = recorded.data as JobEventData['TrainingReported'];
      // Workers append at the revision they hold, so a stale report cannot land; the fold still refuses one.
      if (state.result === undefined && holds(state, d))
        state.result = { ...d, recordedAt: recorded.metadata.recordedAt };
      else state.rejected += 1;
      return state;
    }
    case 'TrainingResultRejected':
      state.rejected += 1;
      return state;
    case 'TrainingAbandoned': {
      const d = recorded.data as JobEventData['TrainingAbandoned'];
      if (holds(state, d)) state.abandoned = d;
      return state;
    }
    default:
      return state;
  }
};

/** Folds a whole job stream. */
export const foldJob = (jobId: string, events: readonly RecordedEvent[]): JobState =>
  events.reduce(evolveJob, initialJobState(jobId));

/** The training failed on its worker (not a lost lease): nobody claims it again. */
export const isJobFailed = (state: JobState): boolean => state.abandoned !== undefined && !state.abandoned.retryable;

/** True when nobody may train the job any more: it has a result or its training failed. */
export const isJobDone = (state: JobState): boolean => state.result !== undefined || isJobFailed(state);

/** True when a worker may claim the job now: never claimed, its lease ran out, or its holder gave it back. */
export const isClaimable = (state: JobState, nowMs: number): boolean => {
  if (isJobDone(state)) return false;
  if (state.claim === undefined || state.abandoned?.retryable === true) return true;
  return nowMs > state.claim.leaseExpiresMs;
};

/** True while `workerId`'s claim `attempt` is the job's current one and the job is not done. */
export const isHeldBy = (state: JobState, workerId: string, attempt: number): boolean =>
  !isJobDone(state) && state.abandoned === undefined && holds(state, { workerId, attempt });
