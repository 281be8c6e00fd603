// Tests of the fake quantizers: level counts, clipping, and straight-through gradients.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  pactQuantize,
  quantizeActivations,
  quantizeWeights,
  steQuantize,
  steSign,
} from '../../../src/engine/quant/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const distinct = (t: tf.Tensor): number => new Set(Array.from(t.dataSync()).map((v) => v.toFixed(6))).size;
const ramp = (n: number, lo: number, hi: number) => tf.linspace(lo, hi, n);
const q = (weightBits: number, activationBits: number, extra = {}) => ({ weightBits, activationBits, ...extra });

describe('weight quantizers', () => {
  it.each([1, 2, 3, 4, 8])('uses exactly 2^%i levels for %i-bit fixed-point weights over a wide ramp', (bits) => {
    tf.tidy(() => {
      const w = tf.reshape(ramp(4096, -4, 4), [4096, 1]);
      expect(distinct(quantizeWeights(w, q(bits, 8, { weightIntBits: 1 })))).toBe(2 ** bits);
    });
  });

  it('uses at most 2^bits levels per channel with learned per-channel scales, each channel scaled by its own range', () => {
    tf.tidy(() => {
      const w = tf.stack([ramp(1000, -1, 1), ramp(1000, -0.01, 0.01)], 1);
      const wq = quantizeWeights(w, q(4, 8));
      const [a, b] = tf.unstack(wq, 1) as [tf.Tensor, tf.Tensor];
      expect(distinct(a)).toBeLessThanOrEqual(16);
      expect(distinct(b)).toBeGreaterThanOrEqual(15);
      expect(tf.max(tf.abs(b)).dataSync()[0]).toBeCloseTo(0.01, 5);
    });
  });

  it('binarizes 1-bit weights to ±mean|w| per channel', () => {
    tf.tidy(() => {
      const wq = quantizeWeights(tf.tensor2d([[0.5], [-1.5], [1]]), q(1, 8));
      expect(Array.from(wq.dataSync())).toEqual([1, -1, 1]);
    });
  });

  it('keeps small fixed-point weights alive on a power-of-two grid that follows their scale (dynamic fixed point)', () => {
    tf.tidy(() => {
      // He-initialised weights of a 7x7x64 conv (σ ≈ 0.025) at 4 bits with 2 integer bits: the static grid 2^-2
      // rounded every one of them to 0.
      const w = tf.reshape(tf.randomNormal([3136], 0, 0.025, 'float32', 3), [3136, 1]);
      const wq = quantizeWeights(w, q(4, 8, { weightIntBits: 2 }));
      const values = Array.from(wq.dataSync());
      const zeros = values.filter((v) => v === 0).length / values.length;
      expect(zeros).toBeLessThan(0.3);
      expect(distinct(wq)).toBeGreaterThanOrEqual(12);
      const step = Math.min(...values.filter((v) => v > 0));
      expect(Math.log2(step)).toBe(Math.round(Math.log2(step)));
      for (const v of values) expect(Number.isInteger(v / step)).toBe(true);
      // The grid scales with the weights: four times the weights, four times the quantized values.
      expect(Array.from(quantizeWeights(tf.mul(w, 4), q(4, 8, { weightIntBits: 2 })).dataSync())).toEqual(
        values.map((v) => v * 4),
      );
    });
  });

  it('clips 2-bit fixed-point weights near one RMS so most of them do not round to zero', () => {
    tf.tidy(() => {
      const w = tf.reshape(tf.randomNormal([1000], 0, 0.1, 'float32', 5), [1000, 1]);
      const values = Array.from(quantizeWeights(w, q(2, 8, { weightIntBits: 1 })).dataSync());
      expect(new Set(values).size).toBe(4);
      expect(values.filter((v) => v === 0).length / values.length).toBeLessThan(0.6);
    });
  });
});

describe('activation quantizers', () => {
  it('uses exactly 2^bits unsigned levels in fixed point and clips at (2^bits − 1)·2^-frac', () => {
    tf.tidy(() => {
      const y = quantizeActivations(ramp(2000, -2, 10), q(8, 3, { activationIntBits: 2 }), undefined);
      expect(distinct(y)).toBe(8);
      expect(tf.max(y).dataSync()[0]).toBe(7 * 0.5);
      expect(tf.min(y).dataSync()[0]).toBe(0);
    });
  });

  it('uses 2^bits levels between 0 and the learned PACT clip', () => {
    tf.tidy(() => {
      const y = pactQuantize(ramp(2000, -2, 10), tf.scalar(3), 4);
      expect(distinct(y)).toBe(4);
      expect(tf.max(y).dataSync()[0]).toBeCloseTo(3);
    });
  });
});

describe('straight-through estimators', () => {
  it('passes the gradient inside the clip range and stops it outside', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-3, -0.4, 0.2, 0.9, 3]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(steQuantize(v, tf.scalar(0.25), -4, 3)))(x);
      expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 0, 0]);
      const gs = tf.grad((v: tf.Tensor) => tf.sum(steSign(v, tf.scalar(1), tf.scalar(1))))(x);
      expect(Array.from(gs.dataSync())).toEqual([0, 1, 1, 1, 0]);
    });
  });

  it('gives PACT input gradients on [0, alpha] and the clip the scaled sum of gradients above it', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1, 0.5, 2, 4, 5]);
      const alpha = tf.scalar(3);
      const [gx, ga] = tf.grads((v: tf.Tensor, a: tf.Tensor) =>
        tf.sum(tf.mul(pactQuantize(v, a, 4), tf.tensor1d([1, 1, 1, 2, 3]))),
      )([x, alpha]) as [tf.Tensor, tf.Tensor];
      expect(Array.from(gx.dataSync())).toEqual([0, 1, 1, 0, 0]);
      // 1-D input: 5 samples of 1 feature, 4 levels → scale 1/√3
      expect(ga.dataSync()[0]).toBeCloseTo(5 / Math.sqrt(3), 5);
    });
  });
});
