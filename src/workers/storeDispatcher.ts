// The loop's view of the trainings it handed to workers: each job stream folded incrementally (src/workers/jobState)
// into what the search's TrainingDispatcher port asks for. Composed by the CLI; the search module never imports it.
import { JOB_STREAM_PREFIX, jobStreamId } from '../events/index.js';
import type { EventStore, Subscription } from '../store/index.js';
import { evolveJob, initialJobState, isJobDone, isJobFailed, type JobEpoch, type JobState } from './jobState.js';

/** A job as the loop sees it: the current claim, its epochs, and the counted result or the training's failure. */
export interface DispatchedJobView {
  claim?: { workerId: string; host: string; attempt: number; backend: string; trainImages: number };
  epochs: JobEpoch[];
  result?: {
    workerId: string;
    attempt: number;
    result: {
      accuracy: number;
      testAccuracy?: number;
      zeroCost?: string;
      epochs: number;
      trainSeconds: number;
      backend: string;
    };
  };
  failure?: { workerId: string; code: string; message: string };
}

export interface StoreDispatcherOptions {
  /** The longest the loop sleeps between looks when no job event wakes it, in ms. @default 1000 */
  pollMs?: number;
}

/**
 * The store dispatcher: reads only the events of each job stream it has not folded yet, and wakes the waiting loop
 * on the next job-stream event (one `$all` subscription, opened on the first wait). close() ends the subscription.
 */
export const createStoreDispatcher = (store: EventStore, options: StoreDispatcherOptions = {}) => {
  const jobs = new Map<string, JobState>();
  const waiters = new Set<() => void>();
  let subscription: Subscription | undefined;
  let closed = false;
  const follow = async (): Promise<void> => {
    const after = await store.headPosition();
    if (closed) return;
    subscription = store.subscribeToAll({ after });
    try {
      for await (const event of subscription) {
        if (!event.streamId.startsWith(JOB_STREAM_PREFIX)) continue;
        for (const wake of [...waiters]) wake();
      }
    } catch {
      // A failed subscription only costs latency: the waits fall back to their timeout. The next wait opens another.
    }
    subscription = undefined;
  };
  let following: Promise<void> | undefined;
  return {
    pollMs: options.pollMs ?? 1000,
    waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
      if (!closed)
        following ??= follow()
          .catch(() => undefined)
          .finally(() => {
            following = undefined;
          });
      return new Promise((resolve) => {
        if (signal?.aborted === true) {
          resolve();
          return;
        }
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    async close(): Promise<void> {
      closed = true;
      for (const wake of [...waiters]) wake();
      await subscription?.close();
      await following;
    },
    async inspect(jobId: string): Promise<DispatchedJobView> {
      const state = jobs.get(jobId) ?? initialJobState(jobId);
      jobs.set(jobId, state);
      for (const event of await store.readStream(jobStreamId(jobId), { fromRevision: state.revision + 1 }))
        evolveJob(state, event);
      // A finished job is folded by the loop once: forget it (asked again, it is read from the start).
      if (isJobDone(state)) jobs.delete(jobId);
      return viewOf(state);
    },
  };
};

const viewOf = (state: JobState): DispatchedJobView => {
  const { claim, result, abandoned } = state;
  return {
    epochs: state.epochs,
    ...(claim === undefined
      ? {}
      : {
          claim: {
            workerId: claim.workerId,
            host: claim.host,
            attempt: claim.attempt,
            backend: claim.backend,
            trainImages: claim.trainImages,
          },
        }),
    ...(result === undefined
      ? {}
      : {
          result: {
            workerId: result.workerId,
            attempt: result.attempt,
            result: {
              accuracy: result.accuracy,
              epochs: result.epochs,
              trainSeconds: result.trainSeconds,
              backend: result.backend,
              ...(result.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }),
              ...(result.zeroCost === undefined ? {} : { zeroCost: result.zeroCost }),
            },
          },
        }),
    ...(isJobFailed(state) && abandoned !== undefined
      ? { failure: { workerId: abandoned.workerId, code: abandoned.error.code, message: abandoned.error.message } }
      : {}),
  };
};
