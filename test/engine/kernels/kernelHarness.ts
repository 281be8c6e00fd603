// Test harness for the engine's wasm kernels: runs one kernel on the cpu backend (the reference) and on wasm
// (with registerEngineKernels), from the same seeded random data, and compares; plus a finite-difference check.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/engine/backend.js';
import { createRng } from '../../../src/engine/rng.js';
import type { Rng } from '../../../src/engine/rng.js';

export interface KernelInput {
  shape: number[];
  values: Float32Array;
}

export const setUpBackends = async (): Promise<void> => {
  await selectBackend({ backend: 'wasm' });
};

export const randomInput = (rng: Rng, shape: number[]): KernelInput => {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 1) values[i] = rng.next() * 2 - 1;
  return { shape, values };
};

export { createRng };

/** Runs `kernelName` on `backend` and returns the output shape and values; no tensor outlives the call. */
export const runKernelOn = async (
  backend: 'cpu' | 'wasm',
  kernelName: string,
  inputs: Record<string, KernelInput>,
  attrs: NamedAttrMap,
): Promise<{ shape: number[]; values: Float32Array }> => {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [name, input] of Object.entries(inputs)) tensors[name] = tf.tensor(input.values, input.shape);
    const out = tf.engine().runKernel(kernelName, tensors, attrs);
    if (Array.isArray(out)) throw new Error(`expected one output from ${kernelName}`);
    return { shape: out.shape, values: Float32Array.from(out.dataSync()) };
  });
};

/** Largest |a − b| / (1 + |b|) over all elements: absolute near zero, relative for large values. */
export const maxError = (actual: Float32Array, expected: Float32Array): number => {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < actual.length; i += 1) {
    const e = expected[i] ?? 0;
    worst = Math.max(worst, Math.abs((actual[i] ?? 0) - e) / (1 + Math.abs(e)));
  }
  return worst;
};

/** Compares wasm (engine kernels) with cpu on one kernel call; returns the max error and the two shapes. */
export const compareWithCpu = async (
  kernelName: string,
  inputs: Record<string, KernelInput>,
  attrs: NamedAttrMap,
): Promise<{ error: number; wasmShape: number[]; cpuShape: number[] }> => {
  const expected = await runKernelOn('cpu', kernelName, inputs, attrs);
  const actual = await runKernelOn('wasm', kernelName, inputs, attrs);
  return { error: maxError(actual.values, expected.values), wasmShape: actual.shape, cpuShape: expected.shape };
};

/**
 * Central finite differences of the scalar loss(param) at every element of a tiny param, in float64 steps on
 * float32 math, against tf.grad through the wasm backend. Returns the largest relative disagreement.
 */
export const finiteDifferenceError = async (
  param: KernelInput,
  loss: (p: tf.Tensor) => tf.Scalar,
  epsilon = 1e-2,
): Promise<number> => {
  await tf.setBackend('wasm');
  const analytic = tf.tidy(() => tf.grad(loss)(tf.tensor(param.values, param.shape)).dataSync());
  let worst = 0;
  for (let i = 0; i < param.values.length; i += 1) {
    const at = (delta: number): number =>
      tf.tidy(() => {
        const values = Float32Array.from(param.values);
        values[i] = (values[i] ?? 0) + delta;
        return loss(tf.tensor(values, param.shape)).dataSync()[0] ?? Number.NaN;
      });
    const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    const a = analytic[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs(a - numeric) / (1e-2 + Math.abs(numeric)));
  }
  return worst;
};

export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  dy: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[rng.nextInt(items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/**
 * A random conv case: batch 1–3, odd and even sizes 4–9, kernels 1–5, strides 1/2 (per axis), 'same', 'valid'
 * or explicit padding, and (depthwise only, where tfjs allows it: stride 1) dilation 2. Filter last dim is the
 * output channels for conv2d, the channel multiplier for depthwise.
 */
export const randomConvCase = (rng: Rng, depthwise: boolean): ConvCase => {
  for (;;) {
    const n = 1 + rng.nextInt(3);
    const h = 4 + rng.nextInt(6);
    const w = 4 + rng.nextInt(6);
    const c = 1 + rng.nextInt(4);
    const kh = pick(rng, [1, 2, 3, 3, 5]);
    const kw = pick(rng, [1, 3, 3, 4]);
    const last = depthwise ? 1 + rng.nextInt(2) : 1 + rng.nextInt(5);
    const dilation = depthwise && rng.next() < 0.3 ? 2 : 1;
    const strides: [number, number] = dilation > 1 ? [1, 1] : [pick(rng, [1, 2]), pick(rng, [1, 2])];
    const padKind = pick(rng, ['same', 'valid', 'explicit'] as const);
    const pad: ConvCase['pad'] =
      padKind === 'explicit'
        ? [
            [0, 0],
            [rng.nextInt(3), rng.nextInt(3)],
            [rng.nextInt(3), rng.nextInt(3)],
            [0, 0],
          ]
        : padKind;
    const filter: ConvCase['filter'] = [kh, kw, c, last];
    try {
      const info = tf.backend_util.computeConv2DInfo(
        [n, h, w, c],
        filter,
        strides,
        dilation,
        pad,
        undefined,
        depthwise,
      );
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      return {
        x: [n, h, w, c],
        filter,
        dy: [n, info.outHeight, info.outWidth, info.outChannels],
        strides,
        dilations: [dilation, dilation],
        pad,
      };
    } catch {
      continue;
    }
  }
};

export const describeCase = (c: ConvCase): string =>
  `x[${c.x.join(',')}] filter[${c.filter.join(',')}] strides ${c.strides.join('x')} dilations ${c.dilations.join('x')} pad ${JSON.stringify(c.pad)}`;
