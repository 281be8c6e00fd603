// The decoded-dataset cache: one binary file per source in `<dataDir>/cache/`, so a second load skips decoding.
// Layout: 8-byte magic, uint32 LE header length, JSON header, then train pixels, train labels, test pixels, test labels.
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, ImageSet } from './imageSet.js';
import { imageSize } from './imageSet.js';

const MAGIC = 'COSDS001';

export interface CacheHeader {
  version: 1;
  name: string;
  sourceHash: string;
  classes: string[];
  height: number;
  width: number;
  channels: number;
  trainCount: number;
  testCount: number;
}

/** Where the cache of a source with this hash lives. */
export const cacheFilePath = (dataDir: string, sourceHash: string): string =>
  join(dataDir, 'cache', `dataset-${sourceHash.slice(0, 16)}.bin`);

/** Writes the dataset atomically (temp file + rename) so a crashed write never leaves a half cache. */
export async function writeDatasetCache(path: string, dataset: Dataset): Promise<void> {
  const { train, test } = dataset;
  const header: CacheHeader = {
    version: 1,
    name: dataset.name,
    sourceHash: dataset.sourceHash,
    classes: [...dataset.classes],
    height: train.height,
    width: train.width,
    channels: train.channels,
    trainCount: train.count,
    testCount: test.count,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([Buffer.from(MAGIC), len, json, train.images, train.labels, test.images, test.labels]));
  await rename(tmp, path);
}

/** The JSON header of a cache file (counts, classes, image shape), without reading the pixels. */
export async function readCacheHeader(path: string): Promise<CacheHeader | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    if (head.subarray(0, 8).toString() !== MAGIC) return undefined;
    const json = Buffer.alloc(head.readUInt32LE(8));
    await handle.read(json, 0, json.length, 12);
    return JSON.parse(json.toString('utf8')) as CacheHeader;
  } finally {
    await handle.close();
  }
}

/** Reads a cache file; undefined when it is missing, foreign, or made from another source. */
export async function readDatasetCache(path: string, sourceHash: string): Promise<Dataset | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes || bytes.length < 12 || bytes.subarray(0, 8).toString() !== MAGIC) return undefined;
  const headerLength = bytes.readUInt32LE(8);
  let header: CacheHeader;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as CacheHeader;
  } catch {
    return undefined; // a damaged header: decode the source again and overwrite the file
  }
  if (header.version !== 1 || header.sourceHash !== sourceHash) return undefined;
  let at = 12 + headerLength;
  const take = (count: number): ImageSet => {
    const shape = { height: header.height, width: header.width, channels: header.channels };
    const pixels = count * imageSize(shape);
    // Copy out of the file buffer so each array owns aligned memory of its own size.
    const images = new Uint8Array(bytes.subarray(at, at + pixels));
    const labels = new Uint8Array(bytes.subarray(at + pixels, at + pixels + count));
    at += pixels + count;
    return { images, labels, count, ...shape };
  };
  const train = take(header.trainCount);
  const test = take(header.testCount);
  if (at !== bytes.length) return undefined;
  return { name: header.name, classes: header.classes, train, test, sourceHash };
}
