// Turns a decoded dataset into training inputs: a seeded train/validation split (validation scores search
// rewards; test is for final reports), optional subsets for proxy training, per-channel normalization
// measured on the training split, and float batches with seeded augmentation (4px-padded random crop, flip).
import { CosearchError } from '../../errors.js';
import { createRng, shuffledIndices, type Rng } from '../rng.js';
import type { Dataset, ImageSet } from './imageSet.js';
import { imageSize, selectImages } from './imageSet.js';

export interface PrepareDataOptions {
  /** Fraction of the training split held out for validation. @default 0.1 */
  validationFraction?: number;
  /** Seed of the split and the subsets. @default 0 */
  seed?: number;
  /** Keep only this many training images (proxy training). @default all */
  subset?: number;
  /** Keep only this many validation images. @default all */
  validationSubset?: number;
  /** Keep only this many test images. @default all */
  testSubset?: number;
}

export interface Normalization {
  mean: number[];
  std: number[];
}

export interface PreparedData {
  classes: readonly string[];
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  normalization: Normalization;
}

/** Per-channel mean and standard deviation of the pixels, in 0..255 units. */
export function channelStats(set: ImageSet): Normalization {
  const c = set.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] ?? 0;
    sum[i % c] = (sum[i % c] ?? 0) + v;
    sq[i % c] = (sq[i % c] ?? 0) + v * v;
  }
  const n = Math.max(1, set.images.length / c);
  const mean = [...sum].map((s) => s / n);
  const std = [...sq].map((s, k) => Math.sqrt(Math.max(s / n - (mean[k] ?? 0) ** 2, 1e-6)));
  return { mean, std };
}

/** Splits the training set (seeded), applies subsets, and measures normalization on the kept training images. */
export function prepareData(dataset: Dataset, options: PrepareDataOptions = {}): PreparedData {
  const fraction = options.validationFraction ?? 0.1;
  if (!(fraction >= 0 && fraction < 1)) {
    throw new CosearchError('BAD_USER_INPUT', `expected validationFraction in [0, 1), but got ${fraction}`);
  }
  const rng = createRng(options.seed ?? 0);
  const order = shuffledIndices(dataset.train.count, rng);
  const valCount = Math.round(dataset.train.count * fraction);
  const cap = (indices: Uint32Array, limit: number | undefined) => (limit === undefined ? indices : indices.subarray(0, Math.min(limit, indices.length)));
  const validation = selectImages(dataset.train, cap(order.subarray(0, valCount), options.validationSubset));
  const train = selectImages(dataset.train, cap(order.subarray(valCount), options.subset));
  const testOrder = options.testSubset === undefined ? undefined : shuffledIndices(dataset.test.count, rng);
  const test = testOrder ? selectImages(dataset.test, cap(testOrder, options.testSubset)) : dataset.test;
  return { classes: dataset.classes, train, validation, test, normalization: channelStats(train) };
}

export interface BatchOptions {
  /** Generator for augmentation; absent: no augmentation (evaluation). */
  augment?: Rng;
  /** Zero padding of the random crop, in pixels. @default 4 */
  padding?: number;
}

/**
 * Writes the normalized images `order[start..start+size)` of `set` into a Float32 NHWC batch. With `augment`,
 * each image is shifted by a random crop of the padded image (padding reads as 0 after normalization) and
 * flipped horizontally with probability 1/2.
 */
export function fillBatch(set: ImageSet, order: ArrayLike<number>, start: number, size: number, norm: Normalization, options: BatchOptions = {}): { x: Float32Array; y: Int32Array } {
  const { height: h, width: w, channels: c } = set;
  const per = imageSize(set);
  const x = new Float32Array(size * per);
  const y = new Int32Array(size);
  const pad = options.padding ?? 4;
  const scale = norm.std.map((s) => 1 / s);
  for (let b = 0; b < size; b++) {
    const n = order[start + b] ?? 0;
    y[b] = set.labels[n] ?? 0;
    const src = n * per;
    const dy = options.augment ? options.augment.nextInt(2 * pad + 1) - pad : 0;
    const dx = options.augment ? options.augment.nextInt(2 * pad + 1) - pad : 0;
    const flip = options.augment ? options.augment.next() < 0.5 : false;
    for (let r = 0; r < h; r++) {
      const sr = r + dy;
      if (sr < 0 || sr >= h) continue;
      for (let col = 0; col < w; col++) {
        const sc0 = flip ? w - 1 - col : col;
        const sc = sc0 + dx;
        if (sc < 0 || sc >= w) continue;
        const from = src + (sr * w + sc) * c;
        const to = b * per + (r * w + col) * c;
        for (let k = 0; k < c; k++) x[to + k] = ((set.images[from + k] ?? 0) - (norm.mean[k] ?? 0)) * (scale[k] ?? 1);
      }
    }
  }
  return { x, y };
}
