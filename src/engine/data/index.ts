// Public surface of the engine's data module: loaders, cache, split/normalization/augmentation.
export type { Dataset, ImageSet } from './imageSet.js';
export { selectImages } from './imageSet.js';
export { CIFAR10_CLASSES, decodeCifarRecords } from './cifarBinary.js';
export { decodeImage } from './imageFolder.js';
export { cacheFilePath, readCacheHeader, readDatasetCache, writeDatasetCache } from './cache.js';
export type { CacheHeader } from './cache.js';
export { decodeDataset, defaultDataDir, loadDataset } from './loadDataset.js';
export type { LoadDatasetOptions, LoadDatasetResult } from './loadDataset.js';
export { channelStats, fillBatch, prepareData } from './prepare.js';
export type { BatchOptions, Normalization, PrepareDataOptions, PreparedData } from './prepare.js';
export { assertSource, hashSource } from './sourceFiles.js';
export { CIFAR10_BINARY_MD5, CIFAR10_BINARY_URL, fetchCifar10 } from './fetch.js';
export type { FetchOptions } from './fetch.js';
