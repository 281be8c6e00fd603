// Public surface of the workers module: the local training pool (worker threads, one tfjs per thread), and the
// distributed workers that claim TrainingRequested jobs through the event store (job board, worker, dispatcher).
export { createTrainPool, defaultWorkerCount, resolveWorkerScript } from './trainPool.js';
export type { PoolTrainOptions, PoolTrainResult, TrainPool, TrainPoolOptions } from './trainPool.js';
export type { WorkerMemory, WorkerTrainOptions } from './protocol.js';
export { evolveJob, foldJob, initialJobState, isClaimable, isHeldBy, isJobDone, isJobFailed } from './jobState.js';
export type { JobClaim, JobEpoch, JobState } from './jobState.js';
export { createJobBoard, evolveBoard, jobCost, nextClaimable, nextLeaseExpiry } from './jobBoard.js';
export type { BoardJob, JobBoard } from './jobBoard.js';
export { runWorker } from './worker.js';
export type { JobOptions, JobResult, JobTrainer, WorkerOptions, WorkerResult } from './worker.js';
export { createStoreDispatcher } from './storeDispatcher.js';
export type { DispatchedJobView, StoreDispatcherOptions } from './storeDispatcher.js';
export { startLocalWorkers } from './localWorkers.js';
export type { LocalWorkers, LocalWorkersOptions } from './localWorkers.js';
