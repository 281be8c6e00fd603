// The engine's wasm training kernels and registerEngineKernels(), the one explicit call that installs them.
// Importing this module registers nothing.
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { createMeanConfig, createSumConfig } from './Sum.js';
import { createTileConfig } from './Tile.js';
import { createIdentityConfig } from './Identity.js';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, batchNormTrainConfigs } from './BatchNormTrain.js';
import { BLAS_KERNEL_NAMES, createBlasConfig, loadBlas } from './blas.js';
import { registerMissingKernels } from './registerMissingKernels.js';

/** The kernels registerEngineKernels() installs for the wasm backend, in registration order. */
export const engineKernelConfigs: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  maxPoolGradConfig,
];

/** Kernels that replace wasm's own for the cases they speed up and hand every other case to it. */
const wrappingKernels: ReadonlyArray<[string, (fallback: KernelConfig | undefined) => KernelConfig]> = [
  ['Tile', createTileConfig],
  ['Sum', createSumConfig],
  ['Mean', createMeanConfig],
  ['Identity', createIdentityConfig],
];

export interface RegisterEngineKernelsResult {
  /** Kernel names now served by the engine's implementations (fused quantizers as `name/backend`). */
  registered: string[];
  /** Kernel names whose previous wasm implementation was replaced (Conv2DBackpropInput, MaxPoolGrad, Tile, Sum, Mean, Identity). */
  replaced: string[];
}

// Kernel functions installed by registerEngineKernels, so that a second call recognises them.
const installed = new WeakSet<object>();

const install = (config: KernelConfig, result: RegisterEngineKernelsResult): void => {
  const existing = getKernel(config.kernelName, config.backendName);
  if (existing !== undefined && installed.has(existing.kernelFunc)) return;
  if (existing !== undefined) {
    unregisterKernel(config.kernelName, config.backendName);
    result.replaced.push(config.kernelName);
  }
  installed.add(config.kernelFunc);
  registerKernel(config);
  result.registered.push(config.kernelName);
};

/**
 * Registers the engine's wasm kernels, replacing wasm's own where one exists (Conv2DBackpropInput,
 * MaxPoolGrad, Tile, Sum, Mean, Identity).
 * Also registers the fused training kernels for wasm and cpu (registerFusedTrainingKernels).
 * Idempotent: a second call finds the engine's kernels already in place and changes nothing. Call it before or
 * after the wasm backend starts; selectBackend() calls it.
 */
export const registerEngineKernels = (): RegisterEngineKernelsResult => {
  const result: RegisterEngineKernelsResult = { registered: [], replaced: [] };
  for (const config of engineKernelConfigs) install(config, result);
  for (const [name, create] of wrappingKernels) {
    const own = getKernel(name, 'wasm');
    if (own === undefined || !installed.has(own.kernelFunc)) install(create(own), result);
  }
  registerBlasKernels(result);
  result.registered.push(...registerFusedTrainingKernels());
  return result;
};

// Kernel functions of the BLAS accelerator, so that a second call leaves them in place.
const blasInstalled = new WeakSet<object>();

/**
 * When the optional cosearch-blas addon loads (and COSEARCH_BLAS is not 0), wraps Conv2D, Conv2DBackpropInput and
 * Conv2DBackpropFilter on wasm with its OpenBLAS kernels; each hands the cases it does not take to the kernel it
 * wraps (wasm's Conv2D, the engine's two gradients). Recorded as `name/blas` in `registered`.
 */
const registerBlasKernels = (result: RegisterEngineKernelsResult): void => {
  const { addon } = loadBlas();
  if (addon === undefined) return;
  for (const name of BLAS_KERNEL_NAMES) {
    const current = getKernel(name, 'wasm');
    if (current === undefined || blasInstalled.has(current.kernelFunc)) continue;
    const config = createBlasConfig(name, current, addon);
    unregisterKernel(name, 'wasm');
    registerKernel(config);
    installed.add(config.kernelFunc);
    blasInstalled.add(config.kernelFunc);
    result.registered.push(`${name}/blas`);
    if (!result.replaced.includes(name)) result.replaced.push(name);
  }
};

/** True when the BLAS accelerator's kernels serve Conv2D and its gradients on wasm now. */
export const blasKernelsActive = (): boolean => {
  const kernel = getKernel('Conv2D', 'wasm');
  return kernel !== undefined && blasInstalled.has(kernel.kernelFunc);
};

/**
 * Registers the fused batch-norm training kernels for wasm and cpu (names as `name/backend`), once. The cpu
 * backend gets them from this call alone: registerEngineKernels would also install wasm kernels before wasm's own.
 */
export const registerFusedTrainingKernels = (): string[] => registerMissingKernels(batchNormTrainConfigs);

export { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD };
export { blasStatus, enabledAddon, setBlasEnabled } from './blas.js';
export type { BlasStatus } from './blas.js';
export { floatIo, sizeOf } from './floatIo.js';
export { registerMissingKernels } from './registerMissingKernels.js';
export type { FloatIo } from './floatIo.js';
export {
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  maxPoolGradConfig,
};
