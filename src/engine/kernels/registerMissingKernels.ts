// Registers kernel configs that are not registered yet (a second call, or tfjs's own kernel, wins over ours).
import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

/** Registers each config whose kernel/backend pair is still free; returns them as `name/backend`. */
export const registerMissingKernels = (configs: readonly KernelConfig[]): string[] => {
  const registered: string[] = [];
  for (const config of configs) {
    if (getKernel(config.kernelName, config.backendName) !== undefined) continue;
    registerKernel(config);
    registered.push(`${config.kernelName}/${config.backendName}`);
  }
  return registered;
};
