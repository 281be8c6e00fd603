// Tile for wasm as a broadcast: x reshaped to interleave its dims with size-1 axes, plus zeros shaped by the
// repeats. wasm's own Tile does per-element index arithmetic and took a third of a QAT training step.
import { Tile } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { assertKernelBackend, createKernelRunner } from './kernelUtils.js';

interface Axis {
  size: number;
  repeat: boolean;
}

/*
 * tile(x, reps) has shape [r0·d0, r1·d1, …] with out[i·d + j] = x[j] on each axis: the broadcast of x as
 * [1, d0, 1, d1, …] against zeros [r0, 1, r1, 1, …]. Size-1 axes are dropped and neighbours of the same kind
 * merged, so the batch-norm gradient's tile of [1,1,1,c] by [n,h,w,1] becomes one 2-D broadcast [n·h·w, c].
 * Where: FusedBatchNorm's gradient in tfjs-core tiles 1/sqrt(variance) to the input's shape.
 */
const broadcastAxes = (shape: readonly number[], reps: readonly number[]): Axis[] => {
  const axes: Axis[] = [];
  shape.forEach((size, i) => {
    for (const axis of [
      { size: reps[i] ?? 1, repeat: true },
      { size, repeat: false },
    ]) {
      if (axis.size === 1) continue;
      const last = axes[axes.length - 1];
      if (last !== undefined && last.repeat === axis.repeat) last.size *= axis.size;
      else axes.push({ ...axis });
    }
  });
  return axes;
};

const readReps = (value: unknown, rank: number): number[] => {
  if (Array.isArray(value) && value.length === rank && value.every((v) => typeof v === 'number' && v >= 1)) {
    return value.map(Number);
  }
  throw new Error(`${Tile} expects reps to be ${rank} positive integers, but got ${JSON.stringify(value)}`);
};

export const createTileConfig = (fallback: KernelConfig | undefined): KernelConfig => {
  const tile: KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args;
    const { x } = inputs;
    if (x === undefined) throw new Error(`${Tile} expects input x`);
    if (x.dtype !== 'float32') {
      if (fallback === undefined) throw new Error(`${Tile} of ${x.dtype} needs wasm's own kernel, which is missing`);
      return fallback.kernelFunc(args);
    }
    const r = createKernelRunner(assertKernelBackend(backend, Tile));
    const reps = readReps(attrs['reps'], x.shape.length);
    const outShape = x.shape.map((d, i) => d * (reps[i] ?? 1));
    const axes = broadcastAxes(x.shape, reps);
    if (!axes.some((a) => a.repeat) || x.shape.some((d) => d === 0)) return r.reshape(x, outShape);
    const xView = r.reshape(
      x,
      axes.map((a) => (a.repeat ? 1 : a.size)),
    );
    const zeros = r.run('Fill', {}, { shape: axes.map((a) => (a.repeat ? a.size : 1)), value: 0, dtype: 'float32' });
    const spread = r.run('Add', { a: xView, b: zeros });
    const out = r.reshape(spread, outShape);
    r.dispose(xView, zeros, spread);
    return out;
  };
  // wasm kernels bind their wasm function in setupFunc, which runs when the backend starts: the fallback's must
  // still run although its config is no longer registered.
  const config: KernelConfig = { kernelName: Tile, backendName: 'wasm', kernelFunc: tile };
  const setup = fallback?.setupFunc;
  return setup === undefined ? config : { ...config, setupFunc: setup };
};
