// A tiny real QAT run on self-made images with a learnable signal: loss falls, accuracy is reported, nothing leaks.
import { selectBackend } from '../../src/engine/backend.js';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainCandidate, type EpochProgress } from '../../src/engine/trainer.js';
import { conv, dense, tinyCandidate, tinyInput } from './candidates.js';
import { colourDataset } from './colourData.js';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

describe('trainCandidate', () => {
  it('lowers the loss of a quantized net over two epochs and reports quantized validation and test accuracy', async () => {
    const epochs: EpochProgress[] = [];
    const result = await trainCandidate(tinyCandidate, colourDataset, {
      epochs: 2, batchSize: 16, seed: 3, evaluateTest: true, optimizer: 'adam', learningRate: 0.01, onEpoch: (p) => void epochs.push(p),
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(result.accuracy).toBeGreaterThan(0.7);
    expect(result.testAccuracy).toBeGreaterThan(0.7);
    expect(result).toMatchObject({ epochs: 2, backend: 'wasm', trainImages: 288, validationImages: 32 });
    expect(epochs[0]!.imagesPerSec).toBeGreaterThan(0);
  });

  it('gives the same result for the same seed', async () => {
    const options = { epochs: 1, batchSize: 32, seed: 9, subset: 96, optimizer: 'momentum' as const };
    const a = await trainCandidate(tinyCandidate, colourDataset, options);
    const b = await trainCandidate(tinyCandidate, colourDataset, options);
    expect(a.history[0]!.loss).toBe(b.history[0]!.loss);
    expect(a.accuracy).toBe(b.accuracy);
  });

  it('leaves no tensor behind with any optimizer, schedule and bit width', async () => {
    const before = tf.memory().numTensors;
    const low = { input: tinyInput, layers: [conv(4, { weightBits: 1, activationBits: 2 }), conv(4, { weightBits: 3, weightIntBits: 1, activationBits: 3, activationIntBits: 1 }), dense(8, { weightBits: 2, activationBits: 2 }), dense(2)] };
    for (const [optimizer, lrSchedule] of [['sgd', 'step'], ['momentum', 'constant'], ['adam', 'cosine']] as const) {
      await trainCandidate(low, colourDataset, { epochs: 1, batchSize: 32, subset: 64, optimizer, lrSchedule, evaluateTest: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a candidate whose input or class count does not fit the dataset with BAD_USER_INPUT', async () => {
    await expect(trainCandidate({ input: tinyInput, layers: [conv(4), dense(10)] }, colourDataset)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
