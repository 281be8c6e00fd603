// Builds a quantization-aware CIFAR model from a Candidate in plain tfjs-core ops with explicit variables:
// conv → batch norm (+ identity skip) → quantized ReLU → max pool, then dense layers; the last dense is the classifier.
import * as tf from '@tensorflow/tfjs-core';
import { CosearchError } from '../errors.js';
import type { Candidate, ConvLayer, DenseLayer } from '../space/index.js';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './kernels/index.js';
import { needsPactAlpha, PACT_ALPHA_INIT, quantizeActivations, quantizeWeights } from './quant/index.js';

export interface BuildModelOptions {
  /** Seed of the He-normal weight initialisation. @default 0 */
  seed?: number;
  /** Momentum of batch norm's moving statistics. @default 0.9 */
  bnMomentum?: number;
}

interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVar: tf.Variable;
}

interface BuiltLayer {
  spec: ConvLayer | DenseLayer;
  kernel: tf.Variable;
  bias?: tf.Variable;
  bn?: BatchNorm;
  alpha?: tf.Variable;
  outputShape: number[];
}

/** A trainable quantized network. `forward` must run inside tf.tidy (or tf.variableGrads). */
export interface QuantModel {
  /**
   * Logits [batch, classes]. Training mode uses batch statistics and updates the moving ones. `observe` sees each
   * hidden layer's quantized activation (before its pool), by layer index, inside the caller's tidy.
   */
  forward(x: tf.Tensor4D, training: boolean, observe?: (layer: number, activation: tf.Tensor) => void): tf.Tensor2D;
  /** Variables the optimizer updates. */
  readonly trainable: tf.Variable[];
  /** Variables weight decay applies to (kernels and PACT clips). */
  readonly decayed: tf.Variable[];
  /** Output shape of each layer, batch dimension left out. */
  readonly layerShapes: number[][];
  readonly parameterCount: number;
  dispose(): void;
}

const fail = (message: string): never => {
  throw new CosearchError('BAD_USER_INPUT', message);
};

const convOut = (size: number, k: number, stride: number, padding: 'same' | 'valid'): number =>
  padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - k) / stride) + 1;

function batchNorm(channels: number): BatchNorm {
  return {
    gamma: tf.variable(tf.ones([channels])),
    beta: tf.variable(tf.zeros([channels])),
    movingMean: tf.variable(tf.zeros([channels]), false),
    movingVar: tf.variable(tf.ones([channels]), false),
  };
}

const BN_EPSILON = 1e-3;

function updateMovingStats(bn: BatchNorm, mean: tf.Tensor, variance: tf.Tensor, momentum: number): void {
  bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, momentum), tf.mul(mean, 1 - momentum)));
  bn.movingVar.assign(tf.add(tf.mul(bn.movingVar, momentum), tf.mul(variance, 1 - momentum)));
}

const runKernels = (name: string, inputs: tf.NamedTensorMap, count: number): tf.Tensor[] => {
  const out = tf.engine().runKernel(name, inputs, { epsilon: BN_EPSILON });
  if (!Array.isArray(out) || out.length !== count) throw new Error(`${name}: expected ${count} outputs`);
  return out;
};

/**
 * Training-mode batch norm as one fused kernel each way (wasm, cpu: registerFusedTrainingKernels). The batch statistics
 * come out of the forward kernel and update the moving ones there; the backward kernel gives dx (through the
 * statistics), dγ and dβ.
 */
const fusedBatchNorm = (x: tf.Tensor, bn: BatchNorm, momentum: number): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [input, gamma, beta, save] = args;
    if (
      !(input instanceof tf.Tensor) ||
      !(gamma instanceof tf.Tensor) ||
      !(beta instanceof tf.Tensor) ||
      typeof save !== 'function'
    ) {
      throw new Error('fusedBatchNorm: expected tensors x, gamma, beta and a save function');
    }
    const [y, mean, variance] = runKernels(BATCH_NORM_TRAIN, { x: input, gamma, beta }, 3) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    updateMovingStats(bn, mean, variance, momentum);
    save([input, gamma, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ms, vs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return runKernels(BATCH_NORM_TRAIN_GRAD, { dy, x: xs, gamma: gs, mean: ms, variance: vs }, 3);
      },
    };
  })(x, bn.gamma, bn.beta);

function applyBatchNorm(x: tf.Tensor, bn: BatchNorm, training: boolean, momentum: number): tf.Tensor {
  if (!training) return tf.batchNorm(x, bn.movingMean, bn.movingVar, bn.beta, bn.gamma, BN_EPSILON);
  if (tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined) return fusedBatchNorm(x, bn, momentum);
  const { mean, variance } = tf.moments(
    x,
    x.shape.slice(0, -1).map((_, i) => i),
  );
  updateMovingStats(bn, mean, variance, momentum);
  return tf.batchNorm(x, mean, variance, bn.beta, bn.gamma, BN_EPSILON);
}

/** Creates the variables of a candidate's network; throws BAD_USER_INPUT when its shapes do not work out. */
export function buildModel(candidate: Candidate, options: BuildModelOptions = {}): QuantModel {
  const seed = options.seed ?? 0;
  const momentum = options.bnMomentum ?? 0.9;
  const layers: BuiltLayer[] = [];
  let shape = [candidate.input.height, candidate.input.width, candidate.input.channels];
  const last = candidate.layers.length - 1;
  if (candidate.layers[last]?.kind !== 'dense')
    fail('expected the last layer of the candidate to be a dense classifier');
  // Variables survive tidy; the initial-value tensors they copy from do not need to.
  tf.tidy(() =>
    candidate.layers.forEach((spec, i) => {
      // tfjs treats a falsy seed as none and draws one from Math.random, so seed 0's first layer (0·1009 + 0) was not
      // reproducible: 0 maps to −1, which no non-negative seed produces. Every other layer and seed keeps its value.
      const layerSeed = seed * 1009 + i;
      const init = (dims: number[], fanIn: number) =>
        tf.variable(tf.randomNormal(dims, 0, Math.sqrt(2 / fanIn), 'float32', layerSeed === 0 ? -1 : layerSeed));
      const hidden = i !== last;
      const alpha = hidden && needsPactAlpha(spec) ? tf.variable(tf.scalar(PACT_ALPHA_INIT)) : undefined;
      if (spec.kind === 'conv') {
        const [h = 0, w = 0, c = 0] = shape;
        if (shape.length !== 3) fail(`layer ${i}: expected convs before any dense layer`);
        let oh = convOut(h, spec.kernelSize, spec.stride, spec.padding);
        let ow = convOut(w, spec.kernelSize, spec.stride, spec.padding);
        if (spec.skip && (spec.stride !== 1 || spec.padding !== 'same' || spec.filters !== c || spec.maxPool)) {
          fail(
            `layer ${i}: an identity skip needs stride 1, 'same' padding, no pool and filters = input channels (${c}), but got stride ${spec.stride}, '${spec.padding}', ${spec.filters} filters`,
          );
        }
        if (spec.maxPool) {
          oh = Math.floor((oh - spec.maxPool.size) / spec.maxPool.stride) + 1;
          ow = Math.floor((ow - spec.maxPool.size) / spec.maxPool.stride) + 1;
        }
        if (oh < 1 || ow < 1)
          fail(
            `layer ${i}: the ${h}x${w} input shrinks to ${oh}x${ow}; use 'same' padding, a smaller kernel or fewer pools`,
          );
        const fanIn = spec.kernelSize * spec.kernelSize * c;
        shape = [oh, ow, spec.filters];
        layers.push({
          spec,
          kernel: init([spec.kernelSize, spec.kernelSize, c, spec.filters], fanIn),
          bn: batchNorm(spec.filters),
          ...(alpha ? { alpha } : {}),
          outputShape: shape,
        });
      } else {
        const fanIn = shape.reduce((a, b) => a * b, 1);
        shape = [spec.units];
        layers.push({
          spec,
          kernel: init([fanIn, spec.units], fanIn),
          ...(hidden ? { bn: batchNorm(spec.units) } : { bias: tf.variable(tf.zeros([spec.units])) }),
          ...(alpha ? { alpha } : {}),
          outputShape: shape,
        });
      }
    }),
  );

  const forward = (
    x: tf.Tensor4D,
    training: boolean,
    observe?: (layer: number, activation: tf.Tensor) => void,
  ): tf.Tensor2D => {
    let h: tf.Tensor = x;
    layers.forEach((layer, i) => {
      const { spec } = layer;
      const wq = quantizeWeights(layer.kernel, spec);
      let y: tf.Tensor;
      if (spec.kind === 'conv') {
        const input = h;
        y = tf.conv2d(h as tf.Tensor4D, wq as tf.Tensor4D, spec.stride, spec.padding);
        if (layer.bn) y = applyBatchNorm(y, layer.bn, training, momentum);
        if (spec.skip) y = tf.add(y, input);
      } else {
        if (h.rank !== 2) h = tf.reshape(h, [h.shape[0] ?? -1, -1]);
        y = tf.matMul(h as tf.Tensor2D, wq as tf.Tensor2D);
        if (layer.bn) y = applyBatchNorm(y, layer.bn, training, momentum);
        if (layer.bias) y = tf.add(y, layer.bias);
      }
      if (i !== last) {
        y = quantizeActivations(y, spec, layer.alpha);
        observe?.(i, y);
      }
      if (spec.kind === 'conv' && spec.maxPool)
        y = tf.maxPool(y as tf.Tensor4D, spec.maxPool.size, spec.maxPool.stride, 'valid');
      h = y;
    });
    return h as tf.Tensor2D;
  };

  const trainable = layers.flatMap((l) => [
    l.kernel,
    ...(l.bias ? [l.bias] : []),
    ...(l.bn ? [l.bn.gamma, l.bn.beta] : []),
    ...(l.alpha ? [l.alpha] : []),
  ]);
  const all = layers.flatMap((l) => [
    l.kernel,
    ...(l.bias ? [l.bias] : []),
    ...(l.bn ? Object.values(l.bn) : []),
    ...(l.alpha ? [l.alpha] : []),
  ]);
  return {
    forward,
    trainable,
    decayed: layers.flatMap((l) => [l.kernel, ...(l.alpha ? [l.alpha] : [])]),
    layerShapes: layers.map((l) => l.outputShape),
    parameterCount: trainable.reduce((n, v) => n + v.size, 0),
    dispose: () => all.forEach((v) => v.dispose()),
  };
}
