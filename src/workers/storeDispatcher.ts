// The loop's view of the trainings it handed to workers: each job stream folded incrementally (src/workers/jobState)
// into what the search's TrainingDispatcher port asks for. Composed by the CLI; the search module never imports it.
import { jobStreamId } from '../events/index.js';
import type { EventStore } from '../store/index.js';
import { evolveJob, initialJobState, isJobFailed, type JobEpoch, type JobState } from './jobState.js';

/** A job as the loop sees it: the current claim, its epochs, and the counted result or the training's failure. */
export interface DispatchedJobView {
  claim?: { workerId: string; host: string; attempt: number; backend: string; trainImages: number };
  epochs: JobEpoch[];
  result?: { workerId: string; attempt: number; result: { accuracy: number; testAccuracy?: number; zeroCost?: string; epochs: number; trainSeconds: number; backend: string } };
  failure?: { workerId: string; code: string; message: string };
}

export interface StoreDispatcherOptions {
  /** Sleep between looks while the loop waits, in ms. @default 250 */
  pollMs?: number;
}

/** The store dispatcher: reads only the events of each job stream it has not folded yet. */
export const createStoreDispatcher = (store: EventStore, options: StoreDispatcherOptions = {}) => {
  const jobs = new Map<string, JobState>();
  return {
    pollMs: options.pollMs ?? 250,
    async inspect(jobId: string): Promise<DispatchedJobView> {
      const state = jobs.get(jobId) ?? initialJobState(jobId);
      jobs.set(jobId, state);
      for (const event of await store.readStream(jobStreamId(jobId), { fromRevision: state.revision + 1 })) evolveJob(state, event);
      return viewOf(state);
    },
  };
};

const viewOf = (state: JobState): DispatchedJobView => {
  const { claim, result, abandoned } = state;
  return {
    epochs: state.epochs,
    ...(claim === undefined ? {} : { claim: { workerId: claim.workerId, host: claim.host, attempt: claim.attempt, backend: claim.backend, trainImages: claim.trainImages } }),
    ...(result === undefined ? {} : {
      result: { workerId: result.workerId, attempt: result.attempt, result: {
        accuracy: result.accuracy, epochs: result.epochs, trainSeconds: result.trainSeconds, backend: result.backend,
        ...(result.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }), ...(result.zeroCost === undefined ? {} : { zeroCost: result.zeroCost }),
      } },
    }),
    ...(isJobFailed(state) && abandoned !== undefined ? { failure: { workerId: abandoned.workerId, code: abandoned.error.code, message: abandoned.error.message } } : {}),
  };
};
