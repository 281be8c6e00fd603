// MaxPoolGrad on wasm (the engine's heap pass) against the cpu backend, ties included, and a finite-difference check.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareWithCpu,
  createRng,
  finiteDifferenceError,
  randomInput,
  runKernelOn,
  setUpBackends,
} from './kernelHarness.js';
import type { KernelInput } from './kernelHarness.js';
import type { Rng } from '../../../src/engine/rng.js';

interface PoolCase {
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number;
}

const randomPoolCase = (rng: Rng): PoolCase => {
  for (;;) {
    const x: PoolCase['x'] = [1 + rng.nextInt(3), 2 + rng.nextInt(8), 2 + rng.nextInt(8), 1 + rng.nextInt(5)];
    const filterSize: PoolCase['filterSize'] = [1 + rng.nextInt(3), 1 + rng.nextInt(3)];
    const strides: PoolCase['strides'] = [1 + rng.nextInt(3), 1 + rng.nextInt(3)];
    const pad = (['same', 'valid', 0, 1] as const)[rng.nextInt(4)] ?? 'valid';
    const info = tf.backend_util.computePool2DInfo(x, filterSize, strides, 1, pad);
    if (info.outHeight >= 1 && info.outWidth >= 1) return { x, filterSize, strides, pad };
  }
};

/** Runs the pool case's MaxPoolGrad on wasm and cpu from the same x (values from `values`) and dy. */
const comparePoolGrad = async (
  rng: Rng,
  c: PoolCase,
  x: KernelInput,
): Promise<{ error: number; shapes: number[][] }> => {
  const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
  const output = await runKernelOn('cpu', 'MaxPool', { x }, attrs);
  const dy = randomInput(rng, output.shape);
  const result = await compareWithCpu('MaxPoolGrad', { dy, input: x, output }, attrs);
  return { error: result.error, shapes: [result.wasmShape, result.cpuShape] };
};

const describePool = (c: PoolCase): string =>
  `x[${c.x.join(',')}] filter ${c.filterSize.join('x')} strides ${c.strides.join('x')} pad ${c.pad}`;

describe('MaxPoolGrad on wasm', () => {
  beforeAll(setUpBackends);

  it('matches the cpu backend on 40 random shapes with overlapping and gapped windows and same, valid and numeric padding', async () => {
    const rng = createRng(71);
    for (let i = 0; i < 40; i += 1) {
      const c = randomPoolCase(rng);
      const { error, shapes } = await comparePoolGrad(rng, c, randomInput(rng, c.x));
      expect(shapes[0], describePool(c)).toEqual(c.x);
      expect(error, describePool(c)).toBeLessThan(1e-6);
    }
  });

  it('sends the gradient of a window with tied maxima to the first maximum, as the cpu backend does', async () => {
    const rng = createRng(72);
    for (let i = 0; i < 20; i += 1) {
      const c = randomPoolCase(rng);
      const x = randomInput(rng, c.x);
      // Three distinct values (zeros as after a ReLU among them) make most windows hold ties.
      const tied = { shape: x.shape, values: x.values.map((v) => Math.round(v)) };
      const { error } = await comparePoolGrad(rng, c, tied);
      expect(error, describePool(c)).toBeLessThan(1e-6);
    }
  });

  it('matches the cpu backend on the 2x2 stride-2 pool of the reference net, odd sizes and ties included', async () => {
    const rng = createRng(74);
    const shapes: Array<PoolCase['x']> = [
      [2, 6, 6, 3],
      [2, 7, 5, 4],
      [1, 8, 9, 32],
      [3, 2, 2, 1],
    ];
    for (const x of shapes) {
      for (const pad of ['valid', 0, 'same'] as const) {
        const c: PoolCase = { x, filterSize: [2, 2], strides: [2, 2], pad };
        const values = randomInput(rng, x);
        for (const input of [values, { shape: values.shape, values: values.values.map((v) => Math.round(v)) }]) {
          const { error, shapes: out } = await comparePoolGrad(rng, c, input);
          expect(out[0], describePool(c)).toEqual(x);
          expect(error, describePool(c)).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('gives the input gradient that finite differences give through tf.maxPool', async () => {
    const rng = createRng(73);
    // Distinct, well-separated values so that ±epsilon never changes a window's maximum.
    const order = Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = rng.nextInt(i + 1);
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const x = { shape: [2, 5, 5, 2], values: Float32Array.from(order, (v) => v * 0.1) };
    const mix = randomInput(rng, [2, 3, 3, 2]);
    const error = await finiteDifferenceError(
      x,
      (p) =>
        tf.tidy(() => tf.sum(tf.mul(tf.maxPool(p as tf.Tensor4D, 3, 2, 'same'), tf.tensor(mix.values, mix.shape)))),
      1e-2,
    );
    expect(error).toBeLessThan(1e-2);
  });
});
