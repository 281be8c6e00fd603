// Conv2DBackpropInput on wasm (the engine's conv-of-flipped-filter form) against the cpu backend, and a
// finite-difference gradient check of the input gradient.
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

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(setUpBackends);

  it('matches the cpu backend on 40 random shapes with strides 1 and 2 and same, valid and explicit padding', async () => {
    const rng = createRng(21);
    for (let i = 0; i < 40; i += 1) {
      const c = randomConvCase(rng, false);
      const result = await compareWithCpu(
        'Conv2DBackpropInput',
        { dy: randomInput(rng, c.dy), filter: randomInput(rng, c.filter) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
      );
      expect(result.wasmShape, describeCase(c)).toEqual(c.x);
      expect(result.error, describeCase(c)).toBeLessThan(1e-4);
    }
  });

  it('gives the input gradient that finite differences give on a tiny strided valid conv', async () => {
    const rng = createRng(22);
    const weights = randomInput(rng, [3, 3, 2, 3]);
    const x = randomInput(rng, [1, 6, 5, 2]);
    const mix = randomInput(rng, [1, 2, 2, 3]);
    const error = await finiteDifferenceError(x, (input) =>
      tf.tidy(() =>
        tf.sum(
          tf.mul(
            tf.conv2d(input as tf.Tensor4D, tf.tensor4d(weights.values, [3, 3, 2, 3]), 2, 'valid'),
            tf.tensor(mix.values, mix.shape),
          ),
        ),
      ),
    );
    expect(error).toBeLessThan(2e-2);
  });
});
