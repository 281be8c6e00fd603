// Per-layer quantizers built from a candidate layer's LayerQuant: weights (per-channel scale, fixed point, or
// sign), activations (fixed point, or PACT with a learned clip). Both keep 2^bits levels.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerQuant } from '../../space/index.js';
import { pactQuantize, steQuantize, steQuantizeCalibrated, steSign } from './fakeQuant.js';

/** Fraction bits of a fixed-point format; may be negative (a grid coarser than 1). */
const fractionBits = (bits: number, intBits: number): number => bits - intBits;

/**
 * The power-of-two grid of a dynamic fixed-point layer: the nearest power of two to min(max|w|, κ·σ) / qmax, where
 * σ is the weights' RMS and κ grows with the bits (1 at 2 bits to 4 from 6 bits), near the MSE-optimal clip of a
 * Gaussian. A max-based grid at 2–3 bits rounds most weights to zero.
 */
const dynamicFixedPointStep = (w: tf.Tensor, bits: number, qmax: number): tf.Tensor => {
  const kappa = Math.min(4, 1 + 0.8 * (bits - 2));
  const rms = tf.sqrt(tf.mean(tf.square(w)));
  const range = tf.maximum(tf.minimum(tf.max(tf.abs(w)), tf.mul(rms, kappa)), 1e-12);
  return tf.pow(2, tf.round(tf.div(tf.log(tf.div(range, qmax)), Math.LN2)));
};

/**
 * Quantizes weights whose output channels lie on the last axis.
 * - 1 bit: sign · scale, scale = mean |w| per channel (or 2^(intBits−1) in fixed point).
 * - fixed point (weightIntBits given): dynamic fixed point — one power-of-two grid per layer, calibrated from the
 *   weights each step (dynamicFixedPointStep), signed range [−2^(bits−1), 2^(bits−1)−1] · grid (the static grid
 *   2^−frac starved layers whose weights sat below half a step).
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
    // Dynamic fixed point: the layer's binary point moves with its weights. With the grid fixed at 2^-frac, He-initialised weights below half a step rounded to zero
    // and whole layers never trained (docs/search.md, "Why sampled designs did not learn"); a per-layer
    // power-of-two scale costs nothing in hardware, where batch norm folds into the thresholds.
    return steQuantizeCalibrated(w, (v) => dynamicFixedPointStep(v, bits, qmax), qmin, qmax);
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
