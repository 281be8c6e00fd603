// Per-layer quantizers built from a candidate layer's LayerQuant: weights (per-channel scale, fixed point, or
// sign), activations (fixed point, or PACT with a learned clip). Both keep 2^bits levels.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerQuant } from '../../space/candidate.js';
import { pactQuantize, steQuantize, steQuantizeCalibrated, steSign } from './fakeQuant.js';

/** Fraction bits of a fixed-point format; may be negative (a grid coarser than 1). */
const fractionBits = (bits: number, intBits: number): number => bits - intBits;

/**
 * Quantizes weights whose output channels lie on the last axis.
 * - 1 bit: sign · scale, scale = mean |w| per channel (or 2^(intBits−1) in fixed point).
 * - fixed point (weightIntBits given): grid 2^−frac, signed range [−2^(bits−1), 2^(bits−1)−1] · grid.
 * - otherwise: per-channel scale max|w| / (2^(bits−1)−1), same signed integer range (2^bits levels).
 */
export function quantizeWeights(w: tf.Tensor, q: LayerQuant): tf.Tensor {
  const bits = q.weightBits;
  if (bits >= 32) return w;
  const axes = w.shape.slice(0, -1).map((_, i) => i);
  // Scales are calibrated from the weights each step; the STE quantizers give them no gradient.
  if (bits === 1) {
    if (q.weightIntBits !== undefined) {
      const mag = tf.scalar(2 ** (q.weightIntBits - 1));
      return steSign(w, mag, mag);
    }
    const scale = tf.mean(tf.abs(w), axes);
    return steSign(w, scale, tf.max(tf.abs(w)));
  }
  const qmax = 2 ** (bits - 1) - 1;
  const qmin = -(2 ** (bits - 1));
  if (q.weightIntBits !== undefined) {
    return steQuantize(w, tf.scalar(2 ** -fractionBits(bits, q.weightIntBits)), qmin, qmax);
  }
  return steQuantizeCalibrated(w, (v) => tf.div(tf.maximum(tf.max(tf.abs(v), axes), 1e-8), qmax), qmin, qmax);
}

/** Initial PACT clip of activations that come out of batch norm (roughly unit variance). */
export const PACT_ALPHA_INIT = 3;

/**
 * Quantizes non-negative activations (this also applies the ReLU). Fixed point when activationIntBits is
 * given (unsigned: grid 2^−frac, range [0, (2^bits−1)·grid]); otherwise PACT with the learned clip `alpha`.
 */
export function quantizeActivations(x: tf.Tensor, q: LayerQuant, alpha: tf.Tensor | undefined): tf.Tensor {
  const bits = q.activationBits;
  if (bits >= 32) return tf.relu(x);
  if (q.activationIntBits !== undefined) {
    return steQuantize(x, tf.scalar(2 ** -fractionBits(bits, q.activationIntBits)), 0, 2 ** bits - 1);
  }
  if (alpha === undefined) throw new Error('quantizeActivations: PACT needs an alpha variable');
  return pactQuantize(x, tf.maximum(alpha, 0.05), 2 ** bits);
}

/** True when the layer's activations need a learned clip variable. */
export const needsPactAlpha = (q: LayerQuant): boolean => q.activationBits < 32 && q.activationIntBits === undefined;
