// Identity for wasm without a copy: the output shares x's data and adds a reference, as wasm's own Reshape does.
// tfjs runs Identity each time it saves a tensor for the backward pass (engine.clone); wasm's kernel copied the
// whole tensor each time, 54 copies per QAT training step. Kernels never write into their inputs, and a variable's
// assign replaces its data, so sharing is safe. Strings go to wasm's own kernel.
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

const isRefCounting = (backend: unknown): backend is RefCounting =>
  typeof backend === 'object' &&
  backend !== null &&
  typeof (backend as Record<string, unknown>)['incRef'] === 'function';

export const createIdentityConfig = (fallback: KernelConfig | undefined): KernelConfig => {
  const identity: KernelFunc = (args) => {
    const x = args.inputs['x'];
    if (x === undefined) throw new Error(`${Identity} expects input 'x'`);
    if (x.dtype === 'string' || !isRefCounting(args.backend)) {
      if (fallback === undefined) throw new Error(`${Identity} on wasm has no kernel for ${x.dtype} tensors`);
      return fallback.kernelFunc(args);
    }
    args.backend.incRef(x.dataId);
    const out: TensorInfo = { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    return out;
  };
  return { ...fallback, kernelName: Identity, backendName: 'wasm', kernelFunc: identity };
};
