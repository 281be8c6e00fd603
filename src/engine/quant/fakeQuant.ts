// Fake quantization with straight-through estimators (tf.customGrad): the forward pass rounds to the layer's
// grid, the backward pass lets the gradient through inside the clip range and stops it outside. On backends with
// the fused kernels (wasm, cpu: registerEngineKernels) each pass is one kernel; elsewhere it composes tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradient functions (and its register_all_gradients ESM file does not
// resolve under plain Node); tfjs-layers' Node bundle registers all of them, in tfjs's global registry, on load.
import '@tensorflow/tfjs-layers';
import { FAKE_QUANT, FAKE_QUANT_GRAD, PACT_QUANT, PACT_QUANT_GRAD } from './fusedKernels.js';

type Saved = (tensors: tf.Tensor[]) => void;
const isSave = (v: unknown): v is Saved => typeof v === 'function';
const asTensor = (v: tf.Tensor | Saved | undefined): tf.Tensor => {
  if (v === undefined || isSave(v)) throw new Error('fakeQuant: expected a tensor argument');
  return v;
};

/** True when the active backend has the fused kernel `name`. */
const hasFused = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

const runOne = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, number>): tf.Tensor => {
  const out = tf.engine().runKernel(name, inputs, attrs);
  if (Array.isArray(out)) throw new Error(`${name}: expected one output, but got ${out.length}`);
  return out;
};

/** clip(round(x / s), qmin, qmax) · s, s broadcasting along the last axis. */
const uniformForward = (x: tf.Tensor, s: tf.Tensor, qmin: number, qmax: number): tf.Tensor =>
  hasFused(FAKE_QUANT)
    ? runOne(FAKE_QUANT, { x, scale: s }, { qmin, qmax })
    : tf.mul(tf.clipByValue(tf.round(tf.div(x, s)), qmin, qmax), s);

/** dy where qmin·s <= x <= qmax·s, else 0. */
const uniformBackward = (dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor, qmin: number, qmax: number): tf.Tensor => {
  if (hasFused(FAKE_QUANT_GRAD)) return runOne(FAKE_QUANT_GRAD, { dy, x, scale: s }, { qmin, qmax });
  const inside = tf.logicalAnd(tf.greaterEqual(x, tf.mul(s, qmin)), tf.lessEqual(x, tf.mul(s, qmax)));
  return tf.mul(dy, tf.cast(inside, 'float32'));
};

/**
 * Uniform quantizer `clip(round(x / step), qmin, qmax) · step` (step broadcasts, e.g. per output channel).
 * Gradient: dy where qmin·step <= x <= qmax·step, else 0; the step itself gets no gradient (it is calibrated).
 */
export const steQuantize = (x: tf.Tensor, step: tf.Tensor, qmin: number, qmax: number): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
    const [a, s, save] = args;
    const input = asTensor(a);
    const scale = asTensor(s);
    if (isSave(save)) save([input, scale]);
    return {
      value: uniformForward(input, scale, qmin, qmax),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ss] = saved as [tf.Tensor, tf.Tensor];
        return [uniformBackward(dy, xs, ss, qmin, qmax), tf.zerosLike(ss)];
      },
    };
  })(x, step);

/**
 * steQuantize with a step calibrated from x itself by `stepOf` (e.g. per-channel max|w| / qmax). The step is
 * computed inside the quantizer, so no gradient is traced through its calibration (it would be zero anyway).
 */
export const steQuantizeCalibrated = (
  x: tf.Tensor,
  stepOf: (x: tf.Tensor) => tf.Tensor,
  qmin: number,
  qmax: number,
): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
    const [a, save] = args;
    const input = asTensor(a);
    const scale = stepOf(input);
    if (isSave(save)) save([input, scale]);
    return {
      value: uniformForward(input, scale, qmin, qmax),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ss] = saved as [tf.Tensor, tf.Tensor];
        return [uniformBackward(dy, xs, ss, qmin, qmax)];
      },
    };
  })(x);

/**
 * PACT activation quantizer with a learned clip `alpha` (scalar): `round(clip(x, 0, alpha) / δ) · δ` with
 * δ = alpha / (levels − 1). Gradients: dx = dy on [0, alpha]; dalpha = Σ dy over x > alpha, scaled by
 * 1/√(features per sample · (levels − 1)) as LSQ scales its step-size gradient.
 */
export const pactQuantize = (x: tf.Tensor, alpha: tf.Tensor, levels: number): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
    const [a, al, save] = args;
    const input = asTensor(a);
    const clip = asTensor(al);
    if (isSave(save)) save([input, clip]);
    const fused = hasFused(PACT_QUANT);
    const step = fused ? undefined : tf.div(clip, levels - 1);
    const value =
      step === undefined
        ? runOne(PACT_QUANT, { x: input, alpha: clip }, { levels })
        : tf.mul(tf.round(tf.div(tf.minimum(tf.relu(input), clip), step)), step);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, cs] = saved as [tf.Tensor, tf.Tensor];
        // LSQ-style gradient scale: the raw sum over every activation makes α's step dwarf the weights' steps.
        const perSample = xs.size / Math.max(1, xs.shape[0] ?? 1);
        const gradScale = 1 / Math.sqrt(perSample * (levels - 1));
        if (hasFused(PACT_QUANT_GRAD)) {
          const out = tf.engine().runKernel(PACT_QUANT_GRAD, { dy, x: xs, alpha: cs }, { gradScale });
          if (!Array.isArray(out) || out.length !== 2)
            throw new Error(`${PACT_QUANT_GRAD}: expected outputs [dx, dalpha]`);
          return out;
        }
        const above = tf.cast(tf.greater(xs, cs), 'float32');
        const inside = tf.mul(tf.cast(tf.greaterEqual(xs, 0), 'float32'), tf.sub(1, above));
        return [tf.mul(dy, inside), tf.reshape(tf.mul(tf.sum(tf.mul(dy, above)), gradScale), cs.shape)];
      },
    };
  })(x, alpha);

/**
 * Sign binarization `(x >= 0 ? +1 : −1) · scale`; gradient dy where |x| <= clipAbs (the hard-tanh STE), else 0.
 */
export const steSign = (x: tf.Tensor, scale: tf.Tensor, clipAbs: tf.Tensor): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | Saved)[]) => {
    const [a, s, c, save] = args;
    const input = asTensor(a);
    const sc = asTensor(s);
    const clip = asTensor(c);
    if (isSave(save)) save([input, sc, clip]);
    const value = tf.mul(tf.sub(tf.mul(tf.cast(tf.greaterEqual(input, 0), 'float32'), 2), 1), sc);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ss, cs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const inside = tf.cast(tf.lessEqual(tf.abs(xs), cs), 'float32');
        return [tf.mul(dy, inside), tf.zerosLike(ss), tf.zerosLike(cs)];
      },
    };
  })(x, scale, clipAbs);
