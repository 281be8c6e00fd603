// The fused batch-norm training kernels (wasm and cpu) against tfjs's composed moments + batchNorm and its
// autodiff gradients on random shapes, and a finite-difference check of the fused gradient.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../../src/engine/kernels/index.js';
import { createRng, finiteDifferenceError, randomInput, setUpBackends } from './kernelHarness.js';
import type { Rng } from '../../../src/engine/rng.js';

const EPSILON = 1e-3;

const fused = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | ((s: tf.Tensor[]) => void))[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, (s: tf.Tensor[]) => void];
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xi, gamma: g, beta: b }, { epsilon: EPSILON }) as tf.Tensor[];
    save([xi, g, mean as tf.Tensor, variance as tf.Tensor]);
    return {
      value: y as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ms, vs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x: xs, gamma: gs, mean: ms, variance: vs }, { epsilon: EPSILON }) as tf.Tensor[];
      },
    };
  })(x, gamma, beta);

const composed = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor => {
  const { mean, variance } = tf.moments(x, x.shape.slice(0, -1).map((_, i) => i));
  return tf.batchNorm(x, mean, variance, beta, gamma, EPSILON);
};

const tensor = (rng: Rng, shape: number[], offset = 0, spread = 1): tf.Tensor => {
  const input = randomInput(rng, shape);
  return tf.tensor(input.values.map((v) => offset + v * spread), shape);
};

/** Largest |a − b| / (1 + |b|). */
const relError = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(1, tf.abs(b)))).dataSync()[0] ?? Number.NaN);

describe.each(['cpu', 'wasm'] as const)('fused batch-norm training kernels on %s', (backend) => {
  beforeAll(async () => {
    await setUpBackends();
    await tf.setBackend(backend);
  });

  it('match composed moments + batchNorm and their autodiff gradients on 20 random shapes', () => {
    const rng = createRng(91);
    for (let i = 0; i < 20; i += 1) {
      const rank = 2 + rng.nextInt(3);
      const shape = Array.from({ length: rank }, () => 1 + rng.nextInt(6));
      shape[0] = 2 + rng.nextInt(4);
      const channels = shape[rank - 1] ?? 1;
      tf.tidy(() => {
        const x = tensor(rng, shape, rng.next() * 4 - 2, 0.5 + rng.next() * 3);
        const gamma = tensor(rng, [channels], 1, 0.5);
        const beta = tensor(rng, [channels]);
        const dy = tensor(rng, shape);
        const what = `x [${shape.join(',')}]`;
        expect(relError(fused(x, gamma, beta), composed(x, gamma, beta)), what).toBeLessThan(2e-5);
        const loss = (f: typeof fused) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), dy));
        const got = tf.grads(loss(fused))([x, gamma, beta]);
        const want = tf.grads(loss(composed))([x, gamma, beta]);
        ['dx', 'dgamma', 'dbeta'].forEach((name, k) => {
          const [a, b] = [got[k], want[k]];
          if (a === undefined || b === undefined) throw new Error(`missing ${name}`);
          expect(relError(a, b), `${name} of ${what}`).toBeLessThan(1e-4);
        });
      });
    }
  });

  it('returns the batch mean and biased variance per channel', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 10], [3, 10], [5, 40]]);
      const [, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma: tf.ones([2]), beta: tf.zeros([2]) }, { epsilon: EPSILON }) as tf.Tensor[];
      expect(Array.from(mean?.dataSync() ?? [])).toEqual([3, 20]);
      expect(Array.from(variance?.dataSync() ?? [])).toEqual([8 / 3, 200].map(Math.fround));
    });
  });

  it('rejects a gamma that does not hold one value per channel', () => {
    tf.tidy(() => {
      expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN, { x: tf.zeros([2, 3]), gamma: tf.ones([2]), beta: tf.zeros([3]) }, { epsilon: EPSILON })).toThrow(/3 values/);
    });
  });
});

describe('fused batch-norm gradient', () => {
  beforeAll(setUpBackends);

  it('gives the input gradient that finite differences give', async () => {
    const rng = createRng(92);
    const x = randomInput(rng, [3, 2, 2, 2]);
    const mix = randomInput(rng, [3, 2, 2, 2]);
    const error = await finiteDifferenceError(
      x,
      (p) => tf.tidy(() => tf.sum(tf.mul(tf.square(fused(p, tf.tensor1d([1.5, 0.7]), tf.tensor1d([0.1, -0.2]))), tf.tensor(mix.values, mix.shape)))),
      1e-2,
    );
    expect(error).toBeLessThan(2e-2);
  });
});
