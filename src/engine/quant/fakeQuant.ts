// Fake quantization with straight-through estimators (tf.customGrad): the forward pass rounds to the layer's
// grid, the backward pass lets the gradient through inside the clip range and stops it outside.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradient functions (and its register_all_gradients ESM file does not
// resolve under plain Node); tfjs-layers' Node bundle registers all of them, in tfjs's global registry, on load.
import '@tensorflow/tfjs-layers';

type Saved = (tensors: tf.Tensor[]) => void;
const isSave = (v: unknown): v is Saved => typeof v === 'function';
const asTensor = (v: tf.Tensor | Saved | undefined): tf.Tensor => {
  if (v === undefined || isSave(v)) throw new Error('fakeQuant: expected a tensor argument');
  return v;
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
    const value = tf.mul(tf.clipByValue(tf.round(tf.div(input, scale)), qmin, qmax), scale);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ss] = saved as [tf.Tensor, tf.Tensor];
        const inside = tf.logicalAnd(tf.greaterEqual(xs, tf.mul(ss, qmin)), tf.lessEqual(xs, tf.mul(ss, qmax)));
        return [tf.mul(dy, tf.cast(inside, 'float32')), tf.zerosLike(ss)];
      },
    };
  })(x, step);

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
    const step = tf.div(clip, levels - 1);
    const value = tf.mul(tf.round(tf.div(tf.minimum(tf.relu(input), clip), step)), step);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, cs] = saved as [tf.Tensor, tf.Tensor];
        const above = tf.cast(tf.greater(xs, cs), 'float32');
        const inside = tf.mul(tf.cast(tf.greaterEqual(xs, 0), 'float32'), tf.sub(1, above));
        // LSQ-style gradient scale: the raw sum over every activation makes α's step dwarf the weights' steps.
        const perSample = xs.size / Math.max(1, xs.shape[0] ?? 1);
        const scale = 1 / Math.sqrt(perSample * (levels - 1));
        return [tf.mul(dy, inside), tf.reshape(tf.mul(tf.sum(tf.mul(dy, above)), scale), cs.shape)];
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
