// Optional native accelerator for the wasm backend: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter as
// im2col/col2im + OpenBLAS sgemm (one thread) in the `cosearch-blas` addon (native/blas, an optionalDependency),
// run directly on Float32Array views of the wasm heap. When the addon is absent (not built: no libopenblas-dev or
// no C++ toolchain) or COSEARCH_BLAS=0, nothing is registered and the wasm kernels serve these ops as before.
import { createRequire } from 'node:module';
import { backend_util, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { readPad, readPair, readRoundingMode, readShape4 } from './kernelUtils.js';
import type { Shape4 } from './kernelUtils.js';
import { assertHeapBackend, heapF32 } from './wasmHeap.js';

/** The addon's API (native/blas/src/blas.cc). `geometry` is ConvGeometry as 15 integers. */
export interface BlasAddon {
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: number[]): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: number[]): void;
  setNumThreads(threads: number): void;
  /** Batch-norm training forward and backward (BatchNormTrain.ts); absent from an addon built before them. */
  batchNormTrain?(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
  ): void;
  batchNormTrainGrad?(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dx: Float32Array,
    dGamma: Float32Array,
    dBeta: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
  ): void;
  /** PACT quantizer forward (y) and backward (dx; returns dAlpha) (quant/fusedKernels.ts); absent from older builds. */
  pactQuant?(x: Float32Array, y: Float32Array, clip: number, levels: number): void;
  pactQuantGrad?(dy: Float32Array, x: Float32Array, dx: Float32Array, clip: number, gradScale: number): number;
  /** OpenBLAS's build configuration and the core it picked, e.g. "OpenBLAS 0.3.21 ... core=Haswell". */
  config: string;
}

export interface BlasStatus {
  /** True when the addon loaded (its kernels are registered by registerEngineKernels on wasm). */
  available: boolean;
  /** Why it is not available: COSEARCH_BLAS=0, or the load error. */
  reason?: string;
  /** OpenBLAS configuration string when available. */
  config?: string;
}

const isAddon = (value: unknown): value is BlasAddon =>
  typeof value === 'object' &&
  value !== null &&
  ['sgemm', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'setNumThreads'].every(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );

let loaded: { addon?: BlasAddon; reason?: string } | undefined;

/** COSEARCH_BLAS: '0', 'off' or 'false' turn the accelerator off; anything else (or unset) uses it when it loads. */
export const blasDisabledByEnv = (env: NodeJS.ProcessEnv = process.env): boolean =>
  ['0', 'off', 'false'].includes((env['COSEARCH_BLAS'] ?? '').trim().toLowerCase());

/** Loads the addon once per process (per worker thread); undefined addon with a reason when it cannot. */
export const loadBlas = (env: NodeJS.ProcessEnv = process.env): { addon?: BlasAddon; reason?: string } => {
  if (blasDisabledByEnv(env)) return { reason: 'turned off by COSEARCH_BLAS=0' };
  if (loaded !== undefined) return loaded;
  try {
    // A variable specifier: the package is optional and has no types.
    const specifier = 'cosearch-blas';
    const value: unknown = createRequire(import.meta.url)(specifier);
    loaded = isAddon(value)
      ? { addon: value }
      : { reason: 'cosearch-blas loaded but lacks its functions (rebuild it: npm rebuild cosearch-blas)' };
  } catch (error) {
    loaded = {
      reason: `cosearch-blas is not installed or did not build (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); install libopenblas-dev and run npm install`,
    };
  }
  return loaded;
};

export const blasStatus = (env: NodeJS.ProcessEnv = process.env): BlasStatus => {
  const { addon, reason } = loadBlas(env);
  return addon === undefined
    ? { available: false, ...(reason === undefined ? {} : { reason }) }
    : { available: true, config: addon.config };
};

let enabled = true;
/**
 * Turns the registered BLAS kernels on or off at run time (they then hand every call to the kernel they replaced).
 * For tests and measurements; COSEARCH_BLAS=0 keeps them from being registered at all.
 */
export const setBlasEnabled = (on: boolean): void => {
  enabled = on;
};
export const blasEnabled = (): boolean => enabled;

/** The addon for the engine's own native kernels (batch norm, PACT): loaded and enabled, else undefined (use JS). */
export const enabledAddon = (): BlasAddon | undefined => (enabled ? loadBlas().addon : undefined);

const isNhwc = (attrs: NamedAttrMap): boolean => {
  const format = attrs['dataFormat'];
  return format === undefined || format === null || format === 'NHWC' || format === 'channelsLast';
};

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The addon's geometry: [n, h, w, ci, co, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW], or undefined when unsupported. */
const geometry = (
  inShape: Shape4,
  filterShape: Shape4,
  attrs: NamedAttrMap,
  withDilations: boolean,
): number[] | undefined => {
  if (!isNhwc(attrs)) return undefined;
  const strides = readPair(attrs, 'strides');
  const dilations = withDilations ? readPair(attrs, 'dilations', 1) : ([1, 1] as [number, number]);
  const info = backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    strides,
    dilations,
    readPad(attrs),
    readRoundingMode(attrs),
    false,
    'channelsLast',
  );
  const g = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.outHeight,
    info.outWidth,
  ];
  if (g.some((v) => !Number.isInteger(v)) || info.padInfo.top < 0 || info.padInfo.left < 0) return undefined;
  if (
    info.inChannels !== filterShape[2] ||
    sizeOf(inShape) === 0 ||
    sizeOf(filterShape) === 0 ||
    info.outHeight < 1 ||
    info.outWidth < 1
  )
    return undefined;
  return g;
};

const asShape4 = (info: TensorInfo | undefined): Shape4 | undefined => {
  if (info === undefined || info.dtype !== 'float32' || info.shape.length !== 4) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = info.shape;
  return [a, b, c, d];
};

/** The forward conv's output shape [n, outH, outW, co] from the addon's geometry. */
const outputShape = (g: readonly number[]): Shape4 => [g[0] ?? 0, g[13] ?? 0, g[14] ?? 0, g[4] ?? 0];

/** Whether a gradient's dy has the forward output's shape (else the case is handed to the replaced kernel). */
const matchesOutput = (dy: Shape4, g: readonly number[]): boolean => outputShape(g).every((d, i) => d === dy[i]);

type BlasKernel = (addon: BlasAddon, args: Parameters<KernelFunc>[0]) => TensorInfo | undefined;

// Each returns undefined for a case it does not take (the wrapper then calls the replaced kernel).
const conv2d: BlasKernel = (addon, { inputs, backend, attrs = {} }) => {
  const xs = asShape4(inputs['x']),
    fs = asShape4(inputs['filter']);
  if (xs === undefined || fs === undefined) return undefined;
  const g = geometry(xs, fs, attrs, true);
  if (g === undefined) return undefined;
  const b = assertHeapBackend(backend as never, Conv2D);
  const out = b.makeOutput([...outputShape(g)], 'float32');
  addon.conv2d(heapF32(b, inputs['x'] as TensorInfo), heapF32(b, inputs['filter'] as TensorInfo), heapF32(b, out), g);
  return out;
};

const conv2dBackpropInput: BlasKernel = (addon, { inputs, backend, attrs = {} }) => {
  const dys = asShape4(inputs['dy']),
    fs = asShape4(inputs['filter']);
  if (dys === undefined || fs === undefined) return undefined;
  const inShape = readShape4(attrs, 'inputShape');
  const g = geometry(inShape, fs, attrs, false);
  if (g === undefined || !matchesOutput(dys, g)) return undefined;
  const b = assertHeapBackend(backend as never, Conv2DBackpropInput);
  const out = b.makeOutput([...inShape], 'float32');
  addon.conv2dBackpropInput(
    heapF32(b, inputs['dy'] as TensorInfo),
    heapF32(b, inputs['filter'] as TensorInfo),
    heapF32(b, out),
    g,
  );
  return out;
};

const conv2dBackpropFilter: BlasKernel = (addon, { inputs, backend, attrs = {} }) => {
  const xs = asShape4(inputs['x']),
    dys = asShape4(inputs['dy']);
  if (xs === undefined || dys === undefined) return undefined;
  const filterShape = readShape4(attrs, 'filterShape');
  const g = geometry(xs, filterShape, attrs, false);
  if (g === undefined || !matchesOutput(dys, g)) return undefined;
  const b = assertHeapBackend(backend as never, Conv2DBackpropFilter);
  const out = b.makeOutput([...filterShape], 'float32');
  addon.conv2dBackpropFilter(
    heapF32(b, inputs['x'] as TensorInfo),
    heapF32(b, inputs['dy'] as TensorInfo),
    heapF32(b, out),
    g,
  );
  return out;
};

const blasKernels: ReadonlyArray<[string, BlasKernel]> = [
  [Conv2D, conv2d],
  [Conv2DBackpropInput, conv2dBackpropInput],
  [Conv2DBackpropFilter, conv2dBackpropFilter],
];

/** The kernel names the accelerator serves on wasm. */
export const BLAS_KERNEL_NAMES: readonly string[] = blasKernels.map(([name]) => name);

/**
 * A wasm kernel config that runs `name` through the addon and hands every case it does not take (non-NHWC,
 * non-float32, negative padding, empty tensors) or every call while setBlasEnabled(false) to `fallback`, whose
 * setupFunc and disposeFunc it keeps (wasm binds its functions there).
 */
export const createBlasConfig = (name: string, fallback: KernelConfig, addon: BlasAddon): KernelConfig => {
  const entry = blasKernels.find(([n]) => n === name);
  if (entry === undefined) throw new Error(`cosearch-blas has no kernel for ${name}`);
  const run = entry[1];
  const kernelFunc: KernelFunc = (args) => (enabled ? run(addon, args) : undefined) ?? fallback.kernelFunc(args);
  return { ...fallback, kernelName: name, backendName: 'wasm', kernelFunc };
};
