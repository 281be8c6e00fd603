// Sum and Mean for wasm over leading axes (batch norm's per-channel reductions of NHWC tensors): one JS pass that
// accumulates rows in float64. wasm's own kernels transpose the whole tensor first; other cases still go to them.
import { Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { assertKernelBackend } from './kernelUtils.js';
import { assertHeapBackend, heapF32 } from './wasmHeap.js';

/** Number of leading axes `axis` reduces, or 0 when it reduces anything else (or nothing, or everything). */
const leadingAxes = (axis: unknown, shape: readonly number[]): number => {
  if (typeof axis !== 'number' && !(Array.isArray(axis) && axis.every((a) => typeof a === 'number'))) return 0;
  const axes = [...new Set(util.parseAxisParam(axis, [...shape]))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
};

const createReduceConfig = (kernelName: typeof Sum | typeof Mean, fallback: KernelConfig | undefined): KernelConfig => {
  const reduce: KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args;
    const { x } = inputs;
    if (x === undefined) throw new Error(`${kernelName} expects input x`);
    const count = x.dtype === 'float32' ? leadingAxes(attrs['axis'], x.shape) : 0;
    if (count === 0 || x.shape.some((d) => d === 0)) {
      if (fallback === undefined)
        throw new Error(`${kernelName} of this input needs wasm's own kernel, which is missing`);
      return fallback.kernelFunc(args);
    }
    const b = assertHeapBackend(assertKernelBackend(backend, kernelName), kernelName);
    const kept = x.shape.slice(count);
    const rows = util.sizeFromShape(x.shape.slice(0, count));
    const inner = util.sizeFromShape(kept);
    const outShape = attrs['keepDims'] === true ? [...x.shape.slice(0, count).map(() => 1), ...kept] : kept;
    const out = b.makeOutput(outShape, 'float32');
    const xv = heapF32(b, x);
    const ov = heapF32(b, out);
    // float64 accumulation, like the cpu backend's reductions (JS numbers), so long sums do not drift.
    const acc = new Float64Array(inner);
    for (let row = 0; row < rows; row += 1) {
      const base = row * inner;
      for (let i = 0; i < inner; i += 1) acc[i] = (acc[i] ?? 0) + (xv[base + i] ?? 0);
    }
    const divisor = kernelName === Mean ? rows : 1;
    for (let i = 0; i < inner; i += 1) ov[i] = (acc[i] ?? 0) / divisor;
    return out;
  };
  const config: KernelConfig = { kernelName, backendName: 'wasm', kernelFunc: reduce };
  // As for Tile: the fallback binds its wasm function in setupFunc, which must still run.
  const setup = fallback?.setupFunc;
  return setup === undefined ? config : { ...config, setupFunc: setup };
};

export const createSumConfig = (fallback: KernelConfig | undefined): KernelConfig => createReduceConfig(Sum, fallback);
export const createMeanConfig = (fallback: KernelConfig | undefined): KernelConfig =>
  createReduceConfig(Mean, fallback);
