// Batch norm in training mode as two fused kernels for wasm and cpu: the forward returns y with the batch mean and
// (biased) variance per channel, the backward the full gradient (through the batch statistics) for x, γ and β.
// With the cosearch-blas addon loaded (and setBlasEnabled on), the same arithmetic runs natively on the same
// Float32Array views (native/blas/src/blas.cc); the JS loops below are the fallback and the reference.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { enabledAddon } from './blas.js';
import { floatIo } from './floatIo.js';

/** Kernel names (custom: tfjs composes batch-norm training from moments, FusedBatchNorm and their gradients). */
export const BATCH_NORM_TRAIN = 'EngineBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'EngineBatchNormTrainGrad';

const get = (inputs: Record<string, TensorInfo | undefined>, name: string, kernel: string): TensorInfo => {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernel} expects input '${name}'`);
  return info;
};

const epsilonOf = (attrs: NamedAttrMap | undefined, kernel: string): number => {
  const value = attrs?.['epsilon'];
  if (typeof value === 'number' && value > 0) return value;
  throw new Error(`${kernel} expects attribute 'epsilon' to be a positive number, but got ${JSON.stringify(value)}`);
};

/** Channels (last axis) and rows (everything else) of x; γ and friends must hold one value per channel. */
const geometry = (x: TensorInfo, perChannel: TensorInfo[], kernel: string): { rows: number; channels: number } => {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  for (const p of perChannel) {
    if (p.shape.reduce((a, b) => a * b, 1) !== channels) {
      throw new Error(
        `${kernel} expects per-channel inputs of ${channels} values (the last axis of x), but got shape [${p.shape.join(', ')}]`,
      );
    }
  }
  if (rows === 0 || channels === 0)
    throw new Error(`${kernel} expects a non-empty x, but got shape [${x.shape.join(', ')}]`);
  return { rows, channels };
};

/*
 * Statistics accumulate in float64 over rows of `channels` contiguous values (NHWC), channel innermost.
 * mean = Σx / m, variance = Σ(x − mean)² / m (the biased variance of tf.moments), y = (x − mean)·γ/√(var + ε) + β.
 */
const batchNormTrain: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = get(inputs, 'x', BATCH_NORM_TRAIN);
  const gamma = get(inputs, 'gamma', BATCH_NORM_TRAIN);
  const beta = get(inputs, 'beta', BATCH_NORM_TRAIN);
  const epsilon = epsilonOf(attrs, BATCH_NORM_TRAIN);
  const { rows, channels } = geometry(x, [gamma, beta], BATCH_NORM_TRAIN);
  const io = floatIo(backend);
  const y = io.output([...x.shape]);
  const meanOut = io.output([channels]);
  const varianceOut = io.output([channels]);
  const xv = io.view(x);
  const gv = io.view(gamma);
  const bv = io.view(beta);
  const yv = io.view(y);
  const addon = enabledAddon();
  if (addon?.batchNormTrain !== undefined) {
    addon.batchNormTrain(xv, gv, bv, yv, io.view(meanOut), io.view(varianceOut), rows, channels, epsilon);
    return [y, meanOut, varianceOut];
  }
  // One pass for both moments, shifted by the first row so that Σd² − (Σd)²/m does not cancel (d = x − x₀).
  const shift = Float64Array.from(xv.subarray(0, channels));
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let r = 0, o = 0; r < rows; r += 1, o += channels) {
    for (let c = 0; c < channels; c += 1) {
      const d = (xv[o + c] ?? 0) - (shift[c] ?? 0);
      sum[c] = (sum[c] ?? 0) + d;
      squares[c] = (squares[c] ?? 0) + d * d;
    }
  }
  const mean = Float32Array.from(sum, (s, c) => (shift[c] ?? 0) + s / rows);
  const variance = Float32Array.from(squares, (q, c) => Math.max(0, q / rows - ((sum[c] ?? 0) / rows) ** 2));
  // y = x·k + (β − mean·k) with k = γ/σ, constants in float64.
  const scale = Float64Array.from(variance, (v, c) => (gv[c] ?? 1) / Math.sqrt(v + epsilon));
  const offset = Float64Array.from(scale, (k, c) => (bv[c] ?? 0) - (mean[c] ?? 0) * k);
  for (let r = 0, o = 0; r < rows; r += 1, o += channels) {
    for (let c = 0; c < channels; c += 1) yv[o + c] = (xv[o + c] ?? 0) * (scale[c] ?? 0) + (offset[c] ?? 0);
  }
  io.view(meanOut).set(mean);
  io.view(varianceOut).set(variance);
  return [y, meanOut, varianceOut];
};

/*
 * With x̂ = (x − mean)/σ, σ = √(var + ε), m rows: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/m − x̂·dγ/m),
 * the gradient through the batch statistics that tfjs's autodiff of moments + batchNorm gives.
 */
const batchNormTrainGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = get(inputs, 'dy', BATCH_NORM_TRAIN_GRAD);
  const x = get(inputs, 'x', BATCH_NORM_TRAIN_GRAD);
  const gamma = get(inputs, 'gamma', BATCH_NORM_TRAIN_GRAD);
  const mean = get(inputs, 'mean', BATCH_NORM_TRAIN_GRAD);
  const variance = get(inputs, 'variance', BATCH_NORM_TRAIN_GRAD);
  const epsilon = epsilonOf(attrs, BATCH_NORM_TRAIN_GRAD);
  const { rows, channels } = geometry(x, [gamma, mean, variance], BATCH_NORM_TRAIN_GRAD);
  const io = floatIo(backend);
  const dx = io.output([...x.shape]);
  const dGamma = io.output([...gamma.shape]);
  const dBeta = io.output([...gamma.shape]);
  const dyv = io.view(dy);
  const xv = io.view(x);
  const gv = io.view(gamma);
  const mv = io.view(mean);
  const addon = enabledAddon();
  if (addon?.batchNormTrainGrad !== undefined) {
    addon.batchNormTrainGrad(
      dyv,
      xv,
      gv,
      mv,
      io.view(variance),
      io.view(dx),
      io.view(dGamma),
      io.view(dBeta),
      rows,
      channels,
      epsilon,
    );
    return [dx, dGamma, dBeta];
  }
  const invStd = Float64Array.from(io.view(variance), (v) => 1 / Math.sqrt(v + epsilon));
  // Σdy·x̂ = (Σdy·x − mean·Σdy)/σ, so the first pass needs only Σdy and Σdy·x (float64: no cancellation to fear).
  const sumDy = new Float64Array(channels);
  const sumDyX = new Float64Array(channels);
  for (let r = 0, o = 0; r < rows; r += 1, o += channels) {
    for (let c = 0; c < channels; c += 1) {
      const g = dyv[o + c] ?? 0;
      sumDy[c] = (sumDy[c] ?? 0) + g;
      sumDyX[c] = (sumDyX[c] ?? 0) + g * (xv[o + c] ?? 0);
    }
  }
  const sumDyXhat = Float64Array.from(sumDyX, (s, c) => (s - (mv[c] ?? 0) * (sumDy[c] ?? 0)) * (invStd[c] ?? 0));
  // dx = γ/σ·(dy − Σdy/m − x̂·Σdy·x̂/m) = a·dy + b·x + d per channel.
  const a = Float64Array.from(gv, (g, c) => g * (invStd[c] ?? 0));
  const b = Float64Array.from(a, (k, c) => (-k * (invStd[c] ?? 0) * (sumDyXhat[c] ?? 0)) / rows);
  const d = Float64Array.from(a, (k, c) => (-k * (sumDy[c] ?? 0)) / rows - (b[c] ?? 0) * (mv[c] ?? 0));
  const dxv = io.view(dx);
  for (let r = 0, o = 0; r < rows; r += 1, o += channels) {
    for (let c = 0; c < channels; c += 1)
      dxv[o + c] = (a[c] ?? 0) * (dyv[o + c] ?? 0) + (b[c] ?? 0) * (xv[o + c] ?? 0) + (d[c] ?? 0);
  }
  io.view(dGamma).set(sumDyXhat);
  io.view(dBeta).set(sumDy);
  return [dx, dGamma, dBeta];
};

/** The batch-norm training kernels for wasm and cpu. */
export const batchNormTrainConfigs: readonly KernelConfig[] = (['wasm', 'cpu'] as const).flatMap((backendName) => [
  { kernelName: BATCH_NORM_TRAIN, backendName, kernelFunc: batchNormTrain },
  { kernelName: BATCH_NORM_TRAIN_GRAD, backendName, kernelFunc: batchNormTrainGrad },
]);
