// Shared plumbing for the engine's wasm kernels: calling wasm's own kernels directly on TensorInfos (the way
// tfjs-backend-wasm composes its kernels), reading typed attributes, and the padding arithmetic of conv gradients.
import { backend_util, getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export type Pair = [number, number];
export type ExplicitPad = backend_util.ExplicitPadding;
export type PadAttr = 'same' | 'valid' | number | ExplicitPad;
export type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
export type Shape4 = [number, number, number, number];
type Attr = NamedAttrMap[string];

/** Runs other kernels of one backend on TensorInfos and frees the intermediates it made. */
export interface KernelRunner {
  readonly backend: KernelBackend;
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo;
  dispose(...infos: TensorInfo[]): void;
  reshape(x: TensorInfo, shape: number[]): TensorInfo;
  transpose(x: TensorInfo, perm: number[]): TensorInfo;
}

// Duck-typed rather than instanceof, so a second copy of tfjs-core (a bundler resolving ESM and CJS apart)
// cannot make a real backend fail the check.
const isKernelBackend = (backend: unknown): backend is KernelBackend =>
  typeof backend === 'object' &&
  backend !== null &&
  'disposeData' in backend &&
  typeof backend.disposeData === 'function';

export const assertKernelBackend = (backend: unknown, kernelName: string): KernelBackend => {
  if (isKernelBackend(backend)) return backend;
  throw new Error(`${kernelName}: expected a tfjs KernelBackend, but got ${typeof backend}`);
};

export const createKernelRunner = (backend: KernelBackend, backendName = 'wasm'): KernelRunner => {
  const run = (kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo => {
    const config = getKernel(kernelName, backendName);
    if (config === undefined) {
      throw new Error(`engine kernels need '${kernelName}' on backend '${backendName}', but it is not registered`);
    }
    const out = config.kernelFunc({ inputs, backend, attrs });
    if (Array.isArray(out)) {
      throw new Error(`engine kernels expected one output from '${kernelName}', but got ${out.length}`);
    }
    return out;
  };
  return {
    backend,
    run,
    dispose: (...infos) => {
      for (const info of infos) backend.disposeData(info.dataId);
    },
    reshape: (x, shape) => run('Reshape', { x }, { shape }),
    transpose: (x, perm) => run('Transpose', { x }, { perm }),
  };
};

export const shape4 = (info: TensorInfo, what: string): Shape4 => {
  const [a, b, c, d, ...rest] = info.shape;
  if (a === undefined || b === undefined || c === undefined || d === undefined || rest.length > 0) {
    throw new Error(`expected ${what} to be rank 4, but got shape [${info.shape.join(', ')}]`);
  }
  return [a, b, c, d];
};

const isNumberArray = (value: Attr | undefined): value is number[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'number');

export const readPair = (attrs: NamedAttrMap, name: string, fallback?: number): Pair => {
  const value = attrs[name];
  if (typeof value === 'number') return [value, value];
  if (isNumberArray(value) && value.length === 2) return [value[0] ?? 1, value[1] ?? 1];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return [fallback, fallback];
  }
  throw new Error(`expected attribute '${name}' to be a number or a pair of numbers, but got ${JSON.stringify(value)}`);
};

export const readShape4 = (attrs: NamedAttrMap, name: string): Shape4 => {
  const value = attrs[name];
  if (isNumberArray(value) && value.length === 4) return [value[0] ?? 0, value[1] ?? 0, value[2] ?? 0, value[3] ?? 0];
  throw new Error(`expected attribute '${name}' to be a rank-4 shape, but got ${JSON.stringify(value)}`);
};

const readPadPair = (value: unknown): [number, number] => {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return [value[0], value[1]];
  }
  throw new Error(`expected an explicit padding pair [before, after], but got ${JSON.stringify(value)}`);
};

export const readPad = (attrs: NamedAttrMap): PadAttr => {
  const pad: unknown = attrs['pad'];
  if (pad === 'same') return 'same';
  if (pad === 'valid') return 'valid';
  if (typeof pad === 'number') return pad;
  if (Array.isArray(pad) && pad.length === 4) {
    return [readPadPair(pad[0]), readPadPair(pad[1]), readPadPair(pad[2]), readPadPair(pad[3])];
  }
  throw new Error(
    `expected attribute 'pad' to be 'same', 'valid', a number or explicit paddings, but got ${JSON.stringify(pad)}`,
  );
};

export const readRoundingMode = (attrs: NamedAttrMap): RoundingMode => {
  const mode: unknown = attrs['dimRoundingMode'];
  if (mode === 'floor' || mode === 'round' || mode === 'ceil') return mode;
  return undefined;
};

export const assertChannelsLast = (attrs: NamedAttrMap, kernelName: string): void => {
  const format = attrs['dataFormat'];
  if (format !== undefined && format !== null && format !== 'NHWC' && format !== 'channelsLast') {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only, but got '${String(format)}'`);
  }
};

/** Explicit paddings of the forward conv: [top, bottom, left, right], resolved from 'same'/'valid'/explicit. */
export const forwardPadding = (
  inShape: Shape4,
  filterShape: Shape4,
  strides: Pair,
  dilations: Pair,
  pad: PadAttr,
  roundingMode: RoundingMode,
  depthwise: boolean,
): { top: number; bottom: number; left: number; right: number; outHeight: number; outWidth: number } => {
  const info = backend_util.computeConv2DInfo(inShape, filterShape, strides, dilations, pad, roundingMode, depthwise);
  const { top, bottom, left, right } = info.padInfo;
  return { top, bottom, left, right, outHeight: info.outHeight, outWidth: info.outWidth };
};

/**
 * Applies per-side spatial amounts to an NHWC tensor: positive amounts are returned as conv padding, negative
 * ones are cut off with a Slice (a conv cannot take negative padding). Returns the tensor (a new one when it
 * sliced) and the padding that is left for the conv.
 */
export const sliceNegativePadding = (
  r: KernelRunner,
  x: TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
): { x: TensorInfo; sliced: boolean; explicit: ExplicitPad } => {
  const [n, h, w, c] = shape4(x, 'x');
  const cut = {
    top: Math.max(0, -pads.top),
    bottom: Math.max(0, -pads.bottom),
    left: Math.max(0, -pads.left),
    right: Math.max(0, -pads.right),
  };
  const explicit: ExplicitPad = [
    [0, 0],
    [Math.max(0, pads.top), Math.max(0, pads.bottom)],
    [Math.max(0, pads.left), Math.max(0, pads.right)],
    [0, 0],
  ];
  if (cut.top + cut.bottom + cut.left + cut.right === 0) return { x, sliced: false, explicit };
  const sliced = r.run(
    'Slice',
    { x },
    { begin: [0, cut.top, cut.left, 0], size: [n, h - cut.top - cut.bottom, w - cut.left - cut.right, c] },
  );
  return { x: sliced, sliced: true, explicit };
};

/**
 * Inserts `stride - 1` zeros after every row and column of an NHWC tensor (the transpose of a strided conv),
 * using two rank-4 PadV2 calls on reshaped views. The result is [n, h * sh, w * sw, c]: its trailing zeros are
 * harmless extra rows that the caller's padding arithmetic accounts for.
 */
export const dilateSpatial = (r: KernelRunner, x: TensorInfo, strides: Pair): TensorInfo => {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return r.reshape(x, [...x.shape]);
  const [n, h, w, c] = shape4(x, 'dy');
  const rows = r.reshape(x, [n, h, 1, w * c]);
  const rowsPadded = r.run(
    'PadV2',
    { x: rows },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const cols = r.reshape(rowsPadded, [n * h * sh, w, 1, c]);
  const colsPadded = r.run(
    'PadV2',
    { x: cols },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const out = r.reshape(colsPadded, [n, h * sh, w * sw, c]);
  r.dispose(rows, rowsPadded, cols, colsPadded);
  return out;
};

/**
 * Concat, Pack and AddN take their inputs as an array, which tfjs types as a NamedTensorInfoMap. Merging an
 * empty map into the array gives it that type without a cast; it stays a real array at run time.
 */
export const asInputList = (infos: TensorInfo[]): NamedTensorInfoMap => {
  const noNames: NamedTensorInfoMap = {};
  return Object.assign(infos, noNames);
};
