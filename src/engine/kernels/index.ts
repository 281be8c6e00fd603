// The engine's wasm training kernels and registerEngineKernels(), the one explicit call that installs them.
// Importing this module registers nothing.
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { createTileConfig } from './Tile.js';

/** The kernels registerEngineKernels() installs for the wasm backend, in registration order. */
export const engineKernelConfigs: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

export interface RegisterEngineKernelsResult {
  /** Kernel names now served by the engine's implementations. */
  registered: string[];
  /** Kernel names whose previous wasm implementation was replaced (Conv2DBackpropInput). */
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
 * Tile).
 * Idempotent: a second call finds the engine's kernels already in place and changes nothing. Call it before or
 * after the wasm backend starts; selectBackend() calls it.
 */
export const registerEngineKernels = (): RegisterEngineKernelsResult => {
  const result: RegisterEngineKernelsResult = { registered: [], replaced: [] };
  for (const config of engineKernelConfigs) install(config, result);
  // Tile keeps wasm's own kernel as the fallback for non-float tensors.
  const wasmTile = getKernel('Tile', 'wasm');
  if (wasmTile === undefined || !installed.has(wasmTile.kernelFunc)) install(createTileConfig(wasmTile), result);
  return result;
};

export { conv2DBackpropFilterConfig, conv2DBackpropInputConfig, depthwiseConv2dNativeBackpropFilterConfig, depthwiseConv2dNativeBackpropInputConfig };
