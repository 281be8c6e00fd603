// Zero-cost scores of an untrained network from one batch (fidelity 0 of a study): NASWOT (Mellor et al. 2021), the
// log-determinant of the Hamming-similarity kernel of the hidden layers' binary activation codes.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { CosearchError } from '../errors.js';
import type { Candidate } from '../space/index.js';
import { backendLabel } from './backend.js';
import { fillBatch, prepareData, type Dataset, type PrepareDataOptions } from './data/index.js';
import { buildModel } from './model.js';
import { createRng, shuffledIndices } from './rng.js';
import { activeBackend } from './trainer.js';

/** The zero-cost scores the engine computes. */
export type ZeroCostKind = 'naswot';

export interface ZeroCostOptions extends PrepareDataOptions {
  /** Images in the scored batch (drawn from the training split by a seeded shuffle). @default 64 */
  batchSize?: number;
  /** Seed of the weight initialisation, the split and the batch. @default 0 */
  seed?: number;
}

export interface ZeroCostResult {
  kind: ZeroCostKind;
  /** The score: higher ranks a design higher. Not a probability (NASWOT is a log-determinant, often in the hundreds). */
  score: number;
  /** Wall seconds from preparing the data split and batch to the score (the split dominates for small nets). */
  seconds: number;
  images: number;
  backend: string;
}

/**
 * Log-determinant of a symmetric positive definite matrix by Cholesky (float64). Throws when it is not positive
 * definite; NASWOT's kernel adds the identity, so it always is.
 */
export const logDeterminant = (matrix: readonly Float64Array[]): number => {
  const n = matrix.length;
  const l = matrix.map(() => new Float64Array(n));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        if (!(s > 0)) throw new Error(`expected a positive definite matrix, but pivot ${i} is ${s}`);
        (l[i] as Float64Array)[i] = Math.sqrt(s);
        sum += Math.log(s);
      } else {
        (l[i] as Float64Array)[j] = s / (l[j]?.[j] ?? 1);
      }
    }
  }
  return sum;
};

/**
 * NASWOT's kernel over a batch at initialisation: K[i][j] = the number of hidden units where images i and j have the
 * same code (`activation > 0` of the quantized activations, before pooling), i.e. units − Hamming distance, summed
 * over the hidden layers, plus the identity. Mellor et al. take log|K| without it; the identity keeps a degenerate
 * net (all codes equal, K singular) finite and moves other scores by less than trace(K⁻¹).
 */
const naswotKernel = (candidate: Candidate, x: Float32Array, size: number, seed: number): Float64Array[] => {
  const model = buildModel(candidate, { seed });
  try {
    const { input } = candidate;
    const kernel = tf.tidy(() => {
      let k: tf.Tensor2D = tf.zeros([size, size]);
      // Training mode: batch statistics, as a network at initialisation sees its first batch.
      model.forward(tf.tensor4d(x, [size, input.height, input.width, input.channels]), true, (_layer, a) => {
        const on = tf.reshape(tf.cast(tf.greater(a, 0), 'float32'), [size, -1]) as tf.Tensor2D;
        const off = tf.sub(1, on) as tf.Tensor2D;
        // Per layer, so float32 stays exact (counts far below 2^24) and no [batch, all units] matrix is built.
        k = tf.add(k, tf.add(tf.matMul(on, on, false, true), tf.matMul(off, off, false, true)));
      });
      return k;
    });
    const values = kernel.dataSync();
    kernel.dispose();
    return Array.from({ length: size }, (_, i) =>
      Float64Array.from(values.subarray(i * size, (i + 1) * size), (v, j) => v + (i === j ? 1 : 0)),
    );
  } finally {
    model.dispose();
  }
};

/** NASWOT score of a candidate on one seeded batch of `dataset`'s training split; deterministic for a seed. */
export async function naswotScore(
  candidate: Candidate,
  dataset: Dataset,
  options: ZeroCostOptions = {},
): Promise<ZeroCostResult> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const data = prepareData(dataset, { ...options, seed });
  const size = Math.min(options.batchSize ?? 64, data.train.count);
  if (size < 2)
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected at least 2 training images for a NASWOT batch, but got ${data.train.count}`,
    );
  await tf.ready();
  const order = shuffledIndices(data.train.count, createRng(seed * 7919 + 1));
  const batch = fillBatch(data.train, order, 0, size, data.normalization);
  const score = logDeterminant(naswotKernel(candidate, batch.x, size, seed));
  return {
    kind: 'naswot',
    score,
    seconds: (performance.now() - started) / 1000,
    images: size,
    backend: backendLabel(activeBackend()),
  };
}
