// Public surface of the training engine (co-owned by engine-train and engine-kernels): datasets, the QAT model
// builder, the trainer, and backend selection with the wasm training kernels.
export { backendFromEnv, backendLabel, BACKEND_NAMES, isBackendName, selectBackend } from './backend.js';
export type { BackendName, SelectBackendOptions } from './backend.js';
export { registerEngineKernels } from './kernels/index.js';

export {
  CIFAR10_CLASSES,
  cacheFilePath,
  channelStats,
  decodeDataset,
  defaultDataDir,
  fetchCifar10,
  fillBatch,
  hashSource,
  loadDataset,
  prepareData,
  readCacheHeader,
} from './data/index.js';
export type {
  CacheHeader,
  Dataset,
  ImageSet,
  LoadDatasetOptions,
  LoadDatasetResult,
  PrepareDataOptions,
  PreparedData,
} from './data/index.js';
export { buildModel } from './model.js';
export type { BuildModelOptions, QuantModel } from './model.js';
export { learningRateAt } from './optimizer.js';
export type { LrSchedule, OptimizerName } from './optimizer.js';
export { pactQuantize, quantizeActivations, quantizeWeights, steQuantize, steSign } from './quant/index.js';
export { activeBackend, evaluateAccuracy, trainCandidate } from './trainer.js';
export type { EpochProgress, TrainOptions, TrainResult } from './trainer.js';
export { logDeterminant, naswotScore } from './zeroCost.js';
export type { ZeroCostKind, ZeroCostOptions, ZeroCostResult } from './zeroCost.js';
