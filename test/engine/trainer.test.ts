// A tiny real QAT run on self-made images with a learnable signal: loss falls, accuracy is reported, nothing leaks.
import { backendLabel, selectBackend } from '../../src/engine/backend.js';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainCandidate, type EpochProgress } from '../../src/engine/trainer.js';
import { conv, dense, tinyCandidate, tinyInput } from './candidates.js';
import { colourDataset, colourSet } from './colourData.js';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

describe('trainCandidate', () => {
  it('lowers the loss of a quantized net over two epochs and reports quantized validation and test accuracy', async () => {
    const epochs: EpochProgress[] = [];
    const result = await trainCandidate(tinyCandidate, colourDataset, {
      epochs: 2,
      batchSize: 16,
      seed: 3,
      evaluateTest: true,
      optimizer: 'adam',
      learningRate: 0.01,
      onEpoch: (p) => void epochs.push(p),
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.loss).toBeLessThan(epochs[0]!.loss);
    expect(result.accuracy).toBeGreaterThan(0.7);
    expect(result.testAccuracy).toBeGreaterThan(0.7);
    expect(result).toMatchObject({ epochs: 2, trainImages: 288, validationImages: 32 });
    // The label TrainingStarted records: 'wasm+blas' when the OpenBLAS conv kernels are active, else 'wasm'.
    expect(result.backend).toBe(backendLabel('wasm'));
    expect(result.backend).toMatch(/^wasm(\+blas)?$/);
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
    const low = {
      input: tinyInput,
      layers: [
        conv(4, { weightBits: 1, activationBits: 2 }),
        conv(4, { weightBits: 3, weightIntBits: 1, activationBits: 3, activationIntBits: 1 }),
        dense(8, { weightBits: 2, activationBits: 2 }),
        dense(2),
      ],
    };
    for (const [optimizer, lrSchedule] of [
      ['sgd', 'step'],
      ['momentum', 'constant'],
      ['adam', 'cosine'],
    ] as const) {
      await trainCandidate(low, colourDataset, {
        epochs: 1,
        batchSize: 32,
        subset: 64,
        optimizer,
        lrSchedule,
        evaluateTest: true,
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a candidate whose input or class count does not fit the dataset with BAD_USER_INPUT', async () => {
    await expect(
      trainCandidate({ input: tinyInput, layers: [conv(4), dense(10)] }, colourDataset),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('stops after the epoch in which maxMinutes runs out, keeps the planned schedule and still reports both accuracies', async () => {
    const result = await trainCandidate(tinyCandidate, colourDataset, {
      epochs: 4,
      maxMinutes: 1e-6,
      batchSize: 32,
      subset: 96,
      optimizer: 'sgd',
      lrSchedule: 'cosine',
      evaluateTest: true,
    });
    expect(result).toMatchObject({ epochs: 1, plannedEpochs: 4, stopReason: 'time' });
    expect(result.history).toHaveLength(1);
    // 3 batches per epoch: the last step of epoch 1 is step 2 of the planned 12
    expect(result.history[0]!.learningRate).toBeCloseTo(0.05 * 0.5 * (1 + Math.cos((Math.PI * 2) / 12)), 12);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    const roomy = await trainCandidate(tinyCandidate, colourDataset, {
      epochs: 2,
      maxMinutes: 60,
      batchSize: 32,
      subset: 96,
    });
    expect(roomy).toMatchObject({ epochs: 2, plannedEpochs: 2, stopReason: 'epochs' });
  });

  it("follows the constant, cosine and step schedules, reported as each epoch's last learning rate", async () => {
    // 64 images in batches of 32: 2 steps per epoch, 8 in all; each epoch ends at step 1, 3, 5, 7.
    const lastSteps = [1, 3, 5, 7];
    const expected = {
      constant: lastSteps.map(() => 0.1),
      cosine: lastSteps.map((s) => 0.1 * 0.5 * (1 + Math.cos((Math.PI * s) / 8))),
      step: [0.1, 0.1, 0.01, 0.001],
    };
    for (const lrSchedule of ['constant', 'cosine', 'step'] as const) {
      const result = await trainCandidate(tinyCandidate, colourDataset, {
        epochs: 4,
        batchSize: 32,
        subset: 64,
        optimizer: 'sgd',
        learningRate: 0.1,
        lrSchedule,
      });
      result.history.forEach((h, i) => expect(h.learningRate).toBeCloseTo(expected[lrSchedule][i]!, 12));
    }
  });

  it('reports wall and CPU seconds and images per second of the training loop', async () => {
    const result = await trainCandidate(tinyCandidate, colourDataset, { epochs: 2, batchSize: 32, subset: 96 });
    expect(result.trainSeconds).toBeGreaterThan(0);
    expect(result.cpuSeconds).toBeGreaterThan(0);
    expect(result.imagesPerSec).toBeCloseTo((2 * 96) / result.trainSeconds, 6);
  });

  it('stops with ILLEGAL_STATE when its signal aborts and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = trainCandidate(tinyCandidate, colourDataset, {
      epochs: 3,
      batchSize: 32,
      subset: 96,
      signal: controller.signal,
      onEpoch: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'training was cancelled' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a non-positive epoch count, batch size or time budget with BAD_USER_INPUT naming the option', async () => {
    await expect(trainCandidate(tinyCandidate, colourDataset, { epochs: 0 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'expected epochs to be a whole number ≥ 1, but got 0',
    });
    await expect(trainCandidate(tinyCandidate, colourDataset, { batchSize: 1.5 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('batchSize'),
    });
    await expect(trainCandidate(tinyCandidate, colourDataset, { maxMinutes: 0 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'expected maxMinutes to be a number of minutes > 0, but got 0',
    });
  });

  it('caps proxy training at 5,000 training and 1,000 validation images over 2 epochs unless told otherwise', async () => {
    const large = { ...colourDataset, train: colourSet(12_000, 5) };
    const result = await trainCandidate(tinyCandidate, large, { proxy: true, batchSize: 500 });
    expect(result).toMatchObject({ epochs: 2, trainImages: 5000, validationImages: 1000 });
    const custom = await trainCandidate(tinyCandidate, large, { proxy: true, batchSize: 500, epochs: 1, subset: 1000 });
    expect(custom).toMatchObject({ epochs: 1, trainImages: 1000, validationImages: 1000 });
  });
});
