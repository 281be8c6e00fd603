// A whole training step of a small CNN on wasm with the engine kernels: the same gradients as the cpu backend,
// and a loss that falls under Adam and SGD with momentum. Covers every gradient kernel such a step needs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, maxError, randomInput, setUpBackends } from './kernelHarness.js';

const buildNet = (): tfl.Sequential => {
  const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: [8, 8, 3],
      filters: 6,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      ...init(1),
    }),
  );
  // Batch norm after the pool, not before: wasm's own MaxPoolGrad gives a tied window's gradient to its last
  // maximum and cpu to its first. After a ReLU the only ties are zeros, whose gradient the ReLU stops anyway.
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.batchNormalization());
  model.add(
    tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init(2) }),
  );
  model.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 2,
      padding: 'valid',
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', ...init(4) }));
  return model;
};

describe('a training step on wasm', () => {
  beforeAll(setUpBackends);

  it('gives the same weight gradients as the cpu backend for conv, pool, batchnorm, depthwise and dense', async () => {
    const rng = createRng(41);
    const images = randomInput(rng, [3, 8, 8, 3]);
    const labels = Int32Array.from([1, 4, 7]);
    const gradientsOn = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const model = buildNet();
      const result = tf.tidy(() => {
        const x = tf.tensor4d(images.values, [3, 8, 8, 3]);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
        const { grads } = tf.variableGrads(() =>
          tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        );
        return model.trainableWeights.map((w) => Float32Array.from(grads[w.originalName]?.dataSync() ?? []));
      });
      model.dispose();
      return result;
    };
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    expect(wasm.length).toBe(cpu.length);
    const errors = cpu.map((expected, i) => maxError(wasm[i] ?? new Float32Array(), expected));
    errors.forEach((error, i) => expect(error, `weight ${i}`).toBeLessThan(1e-4));
  });

  it('lowers the loss with Adam and with SGD momentum, and leaks no tensors across steps', async () => {
    await tf.setBackend('wasm');
    const rng = createRng(42);
    const images = randomInput(rng, [8, 8, 8, 3]);
    for (const optimizer of [tf.train.adam(0.01), tf.train.momentum(0.05, 0.9)]) {
      const model = buildNet();
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(images.values, [8, 8, 8, 3]);
      const y = tf.oneHot(
        tf.tensor1d(
          Int32Array.from({ length: 8 }, (_, i) => i % 10),
          'int32',
        ),
        10,
      );
      const first = Number(await model.trainOnBatch(x, y));
      const tensorsAfterFirst = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 15; i += 1) last = Number(await model.trainOnBatch(x, y));
      expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
      expect(last).toBeLessThan(first * 0.7);
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
