// The job board: every open training job of the store, folded from `$all` (TrainingRequested and results in the
// experiment streams, claims and heartbeats in the job streams). Pure; a worker feeds it from a subscription and
// asks it which job to claim next.
import { asExperimentEvent, experimentIdFromStream, JOB_STREAM_PREFIX, type EventData } from '../events/index.js';
import { inferShapes, type Candidate } from '../space/index.js';
import type { RecordedEvent } from '../store/index.js';
import { evolveJob, initialJobState, isClaimable, isJobDone, type JobState } from './jobState.js';

export interface BoardJob {
  jobId: string;
  experimentId: string;
  /** Global position of its TrainingRequested: older jobs are claimed first. */
  position: number;
  request: EventData<'TrainingRequested'>;
  /** Expected training cost (jobCost): the costliest claimable job of an experiment is claimed first. */
  cost: number;
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
      board.open.set(jobId, {
        jobId,
        experimentId,
        position: recorded.position,
        request: event.data,
        cost: jobCost(event.data),
        job,
      });
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

/**
 * The job a worker should claim now (outside the experiments it `skips`), or undefined. Experiments are served oldest
 * request first; within one, the costliest job goes first (longest-processing-time order), so the last job of an
 * episode is a short one and fewer workers sit idle waiting for it. The loop folds results in request order anyway.
 */
export const nextClaimable = (
  board: JobBoard,
  nowMs: number,
  skips: ReadonlySet<string> = new Set(),
): BoardJob | undefined => {
  const claimable = [...board.open.values()].filter(
    (job) => !skips.has(job.experimentId) && isClaimable(job.job, nowMs),
  );
  let oldest: BoardJob | undefined;
  for (const job of claimable) if (oldest === undefined || job.position < oldest.position) oldest = job;
  let best: BoardJob | undefined;
  for (const job of claimable) {
    if (job.experimentId !== oldest?.experimentId) continue;
    if (best === undefined || job.cost > best.cost || (job.cost === best.cost && job.position < best.position))
      best = job;
  }
  return best;
};

/** A job's expected training cost, in relative units: MACs per image × epochs × training images (when set). */
export const jobCost = (request: EventData<'TrainingRequested'>): number => {
  let macs = 1;
  try {
    macs = inferShapes(request.candidate as object as Candidate).totalMacs;
  } catch {
    // A design the shape rules refuse fails fast in training; any cost will do.
  }
  const subset = typeof request.options.subset === 'number' ? request.options.subset : 1;
  return macs * Math.max(request.options.epochs, 1) * subset;
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
