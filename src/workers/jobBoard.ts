// The job board: every open training job of the store, folded from `$all` (TrainingRequested and results in the
// experiment streams, claims and heartbeats in the job streams). Pure; a worker feeds it from a subscription and
// asks it which job to claim next.
import { asExperimentEvent, experimentIdFromStream, JOB_STREAM_PREFIX, type EventData } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import { evolveJob, initialJobState, isClaimable, isJobDone, type JobState } from './jobState.js';

export interface BoardJob {
  jobId: string;
  experimentId: string;
  /** Global position of its TrainingRequested: older jobs are claimed first. */
  position: number;
  request: EventData<'TrainingRequested'>;
  job: JobState;
}

export interface JobBoard {
  /** Open jobs by id (requested, no result folded by the loop, experiment still running). */
  open: Map<string, BoardJob>;
  /** Job streams seen before their request (a board fed from the middle of the log). */
  early: Map<string, JobState>;
  /** Experiments that ended: their jobs are closed and nobody trains them. */
  ended: Set<string>;
  /** Position of the last event folded. */
  position: number;
}

export const createJobBoard = (): JobBoard => ({ open: new Map(), early: new Map(), ended: new Set(), position: 0 });

/** Folds one event of `$all` into the board (mutates and returns it). */
export const evolveBoard = (board: JobBoard, recorded: RecordedEvent): JobBoard => {
  board.position = Math.max(board.position, recorded.position);
  if (recorded.streamId.startsWith(JOB_STREAM_PREFIX)) {
    const jobId = recorded.streamId.slice(JOB_STREAM_PREFIX.length);
    const open = board.open.get(jobId);
    if (open !== undefined) evolveJob(open.job, recorded);
    else board.early.set(jobId, evolveJob(board.early.get(jobId) ?? initialJobState(jobId), recorded));
    return board;
  }
  const experimentId = experimentIdFromStream(recorded.streamId);
  const event = experimentId === undefined ? undefined : asExperimentEvent(recorded);
  if (experimentId === undefined || event === undefined) return board;
  switch (event.type) {
    case 'TrainingRequested': {
      const { jobId } = event.data;
      if (board.ended.has(experimentId)) return board;
      const job = board.early.get(jobId) ?? initialJobState(jobId);
      board.early.delete(jobId);
      board.open.set(jobId, { jobId, experimentId, position: recorded.position, request: event.data, job });
      return board;
    }
    case 'CandidateTrained':
      if (event.data.jobId !== undefined) board.open.delete(event.data.jobId);
      return board;
    case 'ExperimentCompleted':
    case 'ExperimentFailed':
    case 'ExperimentCancelled':
      board.ended.add(experimentId);
      for (const [jobId, job] of board.open) if (job.experimentId === experimentId) board.open.delete(jobId);
      return board;
    case 'ExperimentResumed':
      board.ended.delete(experimentId);
      return board;
    default:
      return board;
  }
};

/** The oldest open job a worker may claim now, or undefined. */
export const nextClaimable = (board: JobBoard, nowMs: number): BoardJob | undefined => {
  let best: BoardJob | undefined;
  for (const job of board.open.values()) {
    if (isClaimable(job.job, nowMs) && (best === undefined || job.position < best.position)) best = job;
  }
  return best;
};

/** When the next held lease runs out (epoch ms), so an idle worker knows when to look again; undefined if none. */
export const nextLeaseExpiry = (board: JobBoard): number | undefined => {
  let next: number | undefined;
  for (const { job } of board.open.values()) {
    if (isJobDone(job) || job.claim === undefined) continue;
    next = Math.min(next ?? Infinity, job.claim.leaseExpiresMs);
  }
  return next;
};
