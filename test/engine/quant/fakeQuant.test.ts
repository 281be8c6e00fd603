// Tests of the fake quantizers: level counts, clipping, and straight-through gradients.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pactQuantize, quantizeActivations, quantizeWeights, steQuantize, steSign } from '../../../src/engine/quant/index.js';

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

  it('clips fixed-point weights to the range of their integer bits on a 2^-frac grid', () => {
    tf.tidy(() => {
      // 4 bits, 2 integer bits (sign included): grid 0.25, range [-2, 1.75]
      const wq = quantizeWeights(tf.tensor2d([[5], [-5], [0.3], [0.4]]), q(4, 8, { weightIntBits: 2 }));
      expect(Array.from(wq.dataSync())).toEqual([1.75, -2, 0.25, 0.5]);
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
      const [gx, ga] = tf.grads((v: tf.Tensor, a: tf.Tensor) => tf.sum(tf.mul(pactQuantize(v, a, 4), tf.tensor1d([1, 1, 1, 2, 3]))))([x, alpha]) as [tf.Tensor, tf.Tensor];
      expect(Array.from(gx.dataSync())).toEqual([0, 1, 1, 0, 0]);
      // 1-D input: 5 samples of 1 feature, 4 levels → scale 1/√3
      expect(ga.dataSync()[0]).toBeCloseTo(5 / Math.sqrt(3), 5);
    });
  });
});
