// Fused fake-quantization kernels for the wasm and cpu backends: the uniform (STE) quantizer and the PACT
// activation quantizer, forward and backward, each one pass over the tensor instead of 4–8 elementwise kernels.
// PACT runs natively (cosearch-blas pactQuant/pactQuantGrad, bit-identical results) when the addon has it and is
// enabled; the JS loops below are the fallback and the reference.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { enabledAddon, floatIo, registerMissingKernels, sizeOf } from '../kernels/index.js';

/** Kernel names (custom: tfjs has no fake-quant kernels). */
export const FAKE_QUANT = 'EngineFakeQuant';
export const FAKE_QUANT_GRAD = 'EngineFakeQuantGrad';
export const PACT_QUANT = 'EnginePactQuant';
export const PACT_QUANT_GRAD = 'EnginePactQuantGrad';

/** Backends the fused kernels are registered for; elsewhere (tfjs-node) the quantizers compose tfjs ops. */
export const FUSED_QUANT_BACKENDS = ['wasm', 'cpu'] as const;

const numberAttr = (attrs: NamedAttrMap | undefined, name: string): number => {
  const value = attrs?.[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(
    `fused fake quantization expects attribute '${name}' to be a finite number, but got ${JSON.stringify(value)}`,
  );
};

const input = (inputs: Record<string, TensorInfo | undefined>, name: string, kernel: string): TensorInfo => {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernel} expects input '${name}'`);
  return info;
};

/*
 * Branch-free arithmetic: activations are noise to a branch predictor, and a mispredicted branch per element made
 * a first version of these loops 5× slower than the same loop without branches.
 * - (t + 1.5·2^52) − 1.5·2^52 rounds a double to an integer half to even (tf.round's rule) in the FPU's default
 *   rounding mode, for |t| < 2^51.
 * - +(a < b) is 0 or 1 without a jump; r·keep + bound·hit selects exactly for finite values.
 */
const ROUNDER = 6755399441055744;
const roundHalfEven = (t: number): number => t + ROUNDER - ROUNDER;
/** clip(r, lo, hi) for finite r. */
const clamp = (r: number, lo: number, hi: number): number => {
  const below = +(r < lo);
  const over = +(r > hi);
  return r * (1 - below - over) + lo * below + hi * over;
};

/** Channels of a scale: 1 (one scale) or the last dimension of x (one per output channel). */
const scaleChannels = (x: TensorInfo, scale: TensorInfo, kernel: string): number => {
  const size = sizeOf(scale.shape);
  const last = x.shape[x.shape.length - 1] ?? 1;
  if (size === 1 || size === last) return size;
  throw new Error(
    `${kernel} expects a scale of 1 or ${last} values (the last axis of x), but got shape [${scale.shape.join(', ')}]`,
  );
};

/**
 * What both uniform fake-quant kernels read: x, its scale (one, or one per last-axis channel), the integer bounds and
 * an output shaped like x. Views are taken after the output is allocated (an allocation may move the wasm heap).
 */
const readFakeQuantCall = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0], kernel: string) => {
  const x = input(inputs, 'x', kernel);
  const scale = input(inputs, 'scale', kernel);
  const qmin = numberAttr(attrs, 'qmin');
  const qmax = numberAttr(attrs, 'qmax');
  const channels = scaleChannels(x, scale, kernel);
  const io = floatIo(backend);
  const out = io.output([...x.shape]);
  return { io, out, qmin, qmax, channels, xv: io.view(x), sv: io.view(scale) };
};

/*
 * Math.fround after each step reproduces the float32 ops the composed quantizer runs (an f64 result of one
 * +, −, ×, ÷ on f32 operands rounds to the same f32 as the f32 op), so fused and composed agree bit for bit.
 */
const fakeQuant: KernelFunc = (args) => {
  const { io, out, qmin, qmax, channels, xv, sv } = readFakeQuantCall(args, FAKE_QUANT);
  const yv = io.view(out);
  for (let base = 0; base < xv.length; base += channels) {
    for (let c = 0; c < channels; c += 1) {
      const s = sv[c] ?? 1;
      // clip(round(t)) = round(clip(t)) for integer bounds: rounding first keeps the clamp on integers.
      yv[base + c] = clamp(roundHalfEven(Math.fround((xv[base + c] ?? 0) / s)), qmin, qmax) * s;
    }
  }
  return out;
};

const fakeQuantGrad: KernelFunc = (args) => {
  const dy = input(args.inputs, 'dy', FAKE_QUANT_GRAD);
  const { io, out, qmin, qmax, channels, xv, sv } = readFakeQuantCall(args, FAKE_QUANT_GRAD);
  const dyv = io.view(dy);
  const dxv = io.view(out);
  const lo = Float32Array.from(sv, (s) => s * qmin);
  const hi = Float32Array.from(sv, (s) => s * qmax);
  for (let base = 0; base < xv.length; base += channels) {
    for (let c = 0; c < channels; c += 1) {
      const v = xv[base + c] ?? 0;
      // dy · mask, as the composed ops compute it (a NaN gradient stays NaN).
      dxv[base + c] = (dyv[base + c] ?? 0) * (+(v >= (lo[c] ?? 0)) * +(v <= (hi[c] ?? 0)));
    }
  }
  return out;
};

const pactQuant: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = input(inputs, 'x', PACT_QUANT);
  const alpha = input(inputs, 'alpha', PACT_QUANT);
  const levels = numberAttr(attrs, 'levels');
  const io = floatIo(backend);
  const out = io.output([...x.shape]);
  const xv = io.view(x);
  const clip = io.view(alpha)[0] ?? 0;
  const yv = io.view(out);
  const addon = enabledAddon();
  if (addon?.pactQuant !== undefined) {
    addon.pactQuant(xv, yv, clip, levels);
    return out;
  }
  const top = levels - 1;
  const step = Math.fround(clip / top);
  /*
   * round(min(relu(x), α) / δ) equals clip(round(x / δ), 0, levels − 1): round(α / δ) is levels − 1 (δ = α/(levels−1)
   * in float32 is off by far less than half a level), and rounding is monotone. Non-finite activations give NaN.
   */
  for (let i = 0; i < xv.length; i += 1) yv[i] = clamp(roundHalfEven(Math.fround((xv[i] ?? 0) / step)), 0, top) * step;
  return out;
};

/** Outputs [dx, dalpha]: dx = dy on [0, alpha]; dalpha = gradScale · Σ dy over x > alpha (float64 sum). */
const pactQuantGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = input(inputs, 'dy', PACT_QUANT_GRAD);
  const x = input(inputs, 'x', PACT_QUANT_GRAD);
  const alpha = input(inputs, 'alpha', PACT_QUANT_GRAD);
  const gradScale = numberAttr(attrs, 'gradScale');
  const io = floatIo(backend);
  const dx = io.output([...x.shape]);
  const dAlpha = io.output([...alpha.shape]);
  const dyv = io.view(dy);
  const xv = io.view(x);
  const clip = io.view(alpha)[0] ?? 0;
  const dxv = io.view(dx);
  const addon = enabledAddon();
  if (addon?.pactQuantGrad !== undefined) {
    io.view(dAlpha)[0] = addon.pactQuantGrad(dyv, xv, dxv, clip, gradScale);
    return [dx, dAlpha];
  }
  let above = 0;
  for (let i = 0; i < xv.length; i += 1) {
    const v = xv[i] ?? 0;
    const g = dyv[i] ?? 0;
    const over = +(v > clip);
    above += g * over;
    // x > α implies x >= 0 (α > 0), so the mask x >= 0 and not x > α is a difference of the two tests.
    dxv[i] = g * (+(v >= 0) - over);
  }
  io.view(dAlpha)[0] = Math.fround(above) * Math.fround(gradScale);
  return [dx, dAlpha];
};

const kernels: ReadonlyArray<[string, KernelFunc]> = [
  [FAKE_QUANT, fakeQuant],
  [FAKE_QUANT_GRAD, fakeQuantGrad],
  [PACT_QUANT, pactQuant],
  [PACT_QUANT_GRAD, pactQuantGrad],
];

/** The fused-quantizer kernel configs, one per kernel and backend in FUSED_QUANT_BACKENDS. */
export const fusedQuantKernelConfigs: readonly KernelConfig[] = FUSED_QUANT_BACKENDS.flatMap((backendName) =>
  kernels.map(([kernelName, kernelFunc]) => ({ kernelName, backendName, kernelFunc })),
);

/** Registers the fused quantizer kernels that are not registered yet; returns the names registered. */
export const registerFusedQuantKernels = (): string[] => registerMissingKernels(fusedQuantKernelConfigs);
