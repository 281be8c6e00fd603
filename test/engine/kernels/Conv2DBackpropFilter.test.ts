// Conv2DBackpropFilter on wasm (engine kernel) against the cpu backend, and a finite-difference gradient check.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareWithCpu,
  createRng,
  describeCase,
  finiteDifferenceError,
  randomConvCase,
  randomInput,
  setUpBackends,
} from './kernelHarness.js';

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(setUpBackends);

  it('matches the cpu backend on 40 random shapes with strides 1 and 2 and same, valid and explicit padding', async () => {
    const rng = createRng(11);
    for (let i = 0; i < 40; i += 1) {
      const c = randomConvCase(rng, false);
      const result = await compareWithCpu(
        'Conv2DBackpropFilter',
        { x: randomInput(rng, c.x), dy: randomInput(rng, c.dy) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
      );
      expect(result.wasmShape, describeCase(c)).toEqual(c.filter);
      expect(result.error, describeCase(c)).toBeLessThan(1e-4);
    }
  });

  it('matches the cpu backend on stride-1 layers as wide as their input (the block-copy path), asymmetric padding included', async () => {
    const rng = createRng(14);
    const cases: Array<{
      x: [number, number, number, number];
      k: number;
      pad: 'same' | [[number, number], [number, number], [number, number], [number, number]];
    }> = [
      { x: [2, 6, 5, 3], k: 3, pad: 'same' },
      { x: [3, 7, 7, 2], k: 5, pad: 'same' },
      { x: [1, 4, 9, 1], k: 1, pad: 'same' },
      {
        x: [2, 5, 6, 2],
        k: 3,
        pad: [
          [0, 0],
          [2, 0],
          [0, 2],
          [0, 0],
        ],
      },
      {
        x: [2, 5, 6, 2],
        k: 3,
        pad: [
          [0, 0],
          [0, 2],
          [2, 0],
          [0, 0],
        ],
      },
    ];
    for (const c of cases) {
      const info = tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], 4], 1, 1, c.pad);
      expect(info.outWidth).toBe(c.x[2]);
      const result = await compareWithCpu(
        'Conv2DBackpropFilter',
        { x: randomInput(rng, c.x), dy: randomInput(rng, [c.x[0], info.outHeight, info.outWidth, 4]) },
        { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.x[3], 4] },
      );
      expect(result.error, `${c.x.join(',')} k${c.k} ${JSON.stringify(c.pad)}`).toBeLessThan(1e-4);
    }
  });

  it('matches the cpu backend on a reference-sized layer at batch 2', async () => {
    const rng = createRng(12);
    const result = await compareWithCpu(
      'Conv2DBackpropFilter',
      { x: randomInput(rng, [2, 8, 8, 32]), dy: randomInput(rng, [2, 8, 8, 64]) },
      { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] },
    );
    expect(result.error).toBeLessThan(1e-4);
  });

  it('gives the filter gradient that finite differences give on a tiny strided conv', async () => {
    const rng = createRng(13);
    const x = randomInput(rng, [2, 5, 5, 2]);
    const weights = randomInput(rng, [3, 3, 2, 2]);
    const mix = randomInput(rng, [2, 3, 3, 2]);
    const error = await finiteDifferenceError(weights, (w) =>
      tf.tidy(() =>
        tf.sum(
          tf.mul(
            tf.conv2d(tf.tensor4d(x.values, [2, 5, 5, 2]), w as tf.Tensor4D, 2, 'same'),
            tf.tensor(mix.values, mix.shape),
          ),
        ),
      ),
    );
    expect(error).toBeLessThan(2e-2);
  });
});
