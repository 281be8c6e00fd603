// The fused batch-norm training kernels (wasm and cpu; the JS loops and, when cosearch-blas is built, the native
// ones) against tfjs's composed moments + batchNorm and its autodiff gradients on random shapes, the native kernels
// against the JS loops, and a finite-difference check of the fused gradient.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, setBlasEnabled } from '../../../src/engine/kernels/index.js';
import { loadBlas } from '../../../src/engine/kernels/blas.js';
import { createRng, finiteDifferenceError, randomInput, setUpBackends } from './kernelHarness.js';
import type { Rng } from '../../../src/engine/rng.js';

const EPSILON = 1e-3;

const fused = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | ((s: tf.Tensor[]) => void))[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, (s: tf.Tensor[]) => void];
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAIN, { x: xi, gamma: g, beta: b }, { epsilon: EPSILON }) as tf.Tensor[];
    save([xi, g, mean as tf.Tensor, variance as tf.Tensor]);
    return {
      value: y as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ms, vs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf
          .engine()
          .runKernel(
            BATCH_NORM_TRAIN_GRAD,
            { dy, x: xs, gamma: gs, mean: ms, variance: vs },
            { epsilon: EPSILON },
          ) as tf.Tensor[];
      },
    };
  })(x, gamma, beta);

const composed = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor => {
  const { mean, variance } = tf.moments(
    x,
    x.shape.slice(0, -1).map((_, i) => i),
  );
  return tf.batchNorm(x, mean, variance, beta, gamma, EPSILON);
};

const tensor = (rng: Rng, shape: number[], offset = 0, spread = 1): tf.Tensor => {
  const input = randomInput(rng, shape);
  return tf.tensor(
    input.values.map((v) => offset + v * spread),
    shape,
  );
};

/** Largest |a − b| / (1 + |b|). */
const relError = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(1, tf.abs(b)))).dataSync()[0] ?? Number.NaN);

const nativeBuilt = typeof loadBlas().addon?.batchNormTrain === 'function';
if (!nativeBuilt)
  console.warn('[BatchNormTrain.test] native batch-norm kernels skipped: cosearch-blas is not built or predates them');
const paths: Array<['cpu' | 'wasm', 'js' | 'native']> = [
  ['cpu', 'js'],
  ['wasm', 'js'],
  ...(nativeBuilt
    ? ([
        ['cpu', 'native'],
        ['wasm', 'native'],
      ] as Array<['cpu' | 'wasm', 'native']>)
    : []),
];

describe.each(paths)('fused batch-norm training kernels on %s (%s)', (backend, path) => {
  beforeAll(async () => {
    await setUpBackends();
    await tf.setBackend(backend);
    setBlasEnabled(path === 'native');
  });
  afterAll(() => setBlasEnabled(true));

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
      const x = tf.tensor2d([
        [1, 10],
        [3, 10],
        [5, 40],
      ]);
      const [, mean, variance] = tf
        .engine()
        .runKernel(
          BATCH_NORM_TRAIN,
          { x, gamma: tf.ones([2]), beta: tf.zeros([2]) },
          { epsilon: EPSILON },
        ) as tf.Tensor[];
      expect(Array.from(mean?.dataSync() ?? [])).toEqual([3, 20]);
      expect(Array.from(variance?.dataSync() ?? [])).toEqual([8 / 3, 200].map(Math.fround));
    });
  });

  it('rejects a gamma that does not hold one value per channel', () => {
    tf.tidy(() => {
      expect(() =>
        tf
          .engine()
          .runKernel(
            BATCH_NORM_TRAIN,
            { x: tf.zeros([2, 3]), gamma: tf.ones([2]), beta: tf.zeros([3]) },
            { epsilon: EPSILON },
          ),
      ).toThrow(/3 values/);
    });
  });
});

describe.skipIf(!nativeBuilt)('native batch-norm kernels (cosearch-blas)', () => {
  beforeAll(async () => {
    await setUpBackends();
    await tf.setBackend('wasm');
  });
  afterAll(() => setBlasEnabled(true));

  /** y, mean, variance and the three gradients of one random case, on the native or the JS path. */
  const run = (native: boolean, shape: number[], seed: number): Float32Array[] => {
    setBlasEnabled(native);
    const rng = createRng(seed);
    const channels = shape[shape.length - 1] ?? 1;
    return tf.tidy(() => {
      const x = tensor(rng, shape, 3, 2);
      const [gamma, beta, dy] = [tensor(rng, [channels], 1, 0.5), tensor(rng, [channels]), tensor(rng, shape)];
      const outs = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon: EPSILON }) as tf.Tensor[];
      const [, mean, variance] = outs as [tf.Tensor, tf.Tensor, tf.Tensor];
      const grads = tf
        .engine()
        .runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, gamma, mean, variance }, { epsilon: EPSILON }) as tf.Tensor[];
      return [...outs, ...grads].map((t) => t.dataSync() as Float32Array);
    });
  };

  it('computes what the JS loops compute, to float32 rounding, on training-sized tensors', () => {
    for (const [i, shape] of [
      [64, 16, 16, 32],
      [64, 8, 8, 64],
      [5, 3],
      [1, 1, 1, 7],
    ].entries()) {
      const native = run(true, shape, 100 + i);
      const js = run(false, shape, 100 + i);
      native.forEach((values, k) => {
        const reference = js[k] ?? new Float32Array();
        let worst = 0;
        for (let j = 0; j < values.length; j += 1)
          worst = Math.max(worst, Math.abs((values[j] ?? 0) - (reference[j] ?? 0)) / (1 + Math.abs(reference[j] ?? 0)));
        expect(worst, `output ${k} of [${shape.join(',')}]`).toBeLessThan(1e-6);
      });
    }
  });

  it('rejects arrays too small for the rows and channels it is given, naming the kernel', () => {
    const addon = loadBlas().addon;
    const small = new Float32Array(4);
    expect(() => addon?.batchNormTrain?.(small, small, small, small, small, small, 8, 4, 1e-3)).toThrow(
      /batchNormTrain sizes do not fit/,
    );
    expect(() =>
      addon?.batchNormTrainGrad?.(small, small, small, small, small, small, small, small, 2, 4, 1e-3),
    ).toThrow(/batchNormTrainGrad sizes do not fit/);
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
      (p) =>
        tf.tidy(() =>
          tf.sum(
            tf.mul(
              tf.square(fused(p, tf.tensor1d([1.5, 0.7]), tf.tensor1d([0.1, -0.2]))),
              tf.tensor(mix.values, mix.shape),
            ),
          ),
        ),
      1e-2,
    );
    expect(error).toBeLessThan(2e-2);
  });
});
