// Public surface of the workers module: the local training pool (worker threads, one tfjs per thread).
export { createTrainPool, defaultWorkerCount, resolveWorkerScript } from './trainPool.js';
export type { PoolTrainOptions, PoolTrainResult, TrainPool, TrainPoolOptions } from './trainPool.js';
export type { WorkerMemory, WorkerTrainOptions } from './protocol.js';
