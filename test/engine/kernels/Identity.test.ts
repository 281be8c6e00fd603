// Identity on wasm shares its input's data (no copy): values, lifetime when either side is disposed first, no
// leaked tensors or bytes, and gradients through a saved tensor (engine.clone) unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUpBackends } from './kernelHarness.js';

describe('Identity on wasm', () => {
  beforeAll(async () => {
    await setUpBackends();
    await tf.setBackend('wasm');
  });

  it('returns the same values and keeps them when the input is disposed first, leaking nothing', () => {
    const before = tf.memory();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('leaves a clone unchanged when the original variable is assigned new values', () => {
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const saved = tf.engine().runKernel('Identity', { x: v }) as tf.Tensor;
    v.assign(tf.tensor([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    saved.dispose();
    v.dispose();
  });

  it('gives the gradients tfjs computes through saved tensors', () => {
    const f = tf.customGrad((...args: (tf.Tensor | ((s: tf.Tensor[]) => void))[]) => {
      const [x, save] = args as [tf.Tensor, (s: tf.Tensor[]) => void];
      save([x]);
      return {
        value: tf.square(x),
        gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(2, s as tf.Tensor)),
      };
    });
    const g = tf.grad((x: tf.Tensor) => tf.sum(f(x)))(tf.tensor([1, -2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
  });
});
