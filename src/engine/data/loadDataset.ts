// Entry point for datasets: detects the format of a source (CIFAR-10 binary or image folders, directory or
// archive), decodes it once, and serves later loads from the binary cache in the data directory.
import { performance } from 'node:perf_hooks';
import { CosearchError } from '../../errors.js';
import { datasetFromCifarBinary, isCifarBinaryPath, wantsCifarBinaryPath } from './cifarBinary.js';
import { cacheFilePath, readDatasetCache, writeDatasetCache } from './cache.js';
import { datasetFromImageFolder, wantsImagePath } from './imageFolder.js';
import type { Dataset } from './imageSet.js';
import { hashSource, readSourceFiles } from './sourceFiles.js';

export interface LoadDatasetOptions {
  /** Directory that holds `cache/`. @default process.env.COSEARCH_DATA_DIR ?? './data' */
  dataDir?: string;
  /** Read and write the decoded cache. @default true */
  cache?: boolean;
}

export interface LoadDatasetResult {
  dataset: Dataset;
  /** True when the dataset came from the cache file. */
  fromCache: boolean;
  cachePath: string;
  seconds: number;
}

export const defaultDataDir = (): string => process.env.COSEARCH_DATA_DIR ?? './data';

/** Decodes a source without touching the cache. */
export async function decodeDataset(source: string, sourceHash: string): Promise<Dataset> {
  const files = await readSourceFiles(source, (p) => wantsCifarBinaryPath(p) || wantsImagePath(p));
  if (files.some((f) => isCifarBinaryPath(f.path))) {
    return datasetFromCifarBinary(files.filter((f) => wantsCifarBinaryPath(f.path)), source, sourceHash);
  }
  if (files.some((f) => wantsImagePath(f.path))) return datasetFromImageFolder(files, source, sourceHash);
  throw new CosearchError(
    'BAD_USER_INPUT',
    `expected CIFAR-10 binary batches (data_batch_1.bin …) or image folders (train/<class>/*.jpg|png) in '${source}', but found neither`,
  );
}

/** Loads a dataset from a directory or archive, using `<dataDir>/cache/` when it is fresh. */
export async function loadDataset(source: string, options: LoadDatasetOptions = {}): Promise<LoadDatasetResult> {
  const started = performance.now();
  const sourceHash = await hashSource(source);
  const cachePath = cacheFilePath(options.dataDir ?? defaultDataDir(), sourceHash);
  const useCache = options.cache ?? true;
  if (useCache) {
    const cached = await readDatasetCache(cachePath, sourceHash);
    if (cached) return { dataset: cached, fromCache: true, cachePath, seconds: (performance.now() - started) / 1000 };
  }
  const dataset = await decodeDataset(source, sourceHash);
  if (useCache) await writeDatasetCache(cachePath, dataset);
  return { dataset, fromCache: false, cachePath, seconds: (performance.now() - started) / 1000 };
}
