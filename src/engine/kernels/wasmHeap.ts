// Direct access to the wasm backend's heap for the engine kernels whose work is memory-bound (gathers, scatters,
// per-channel reductions): they run one JS pass over Float32Array views instead of several wasm kernel calls.
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** The two BackendWasm methods the heap kernels use: allocate an output, and view a tensor's bytes in the heap. */
export interface HeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): unknown;
}

const isHeapBackend = (backend: KernelBackend): backend is HeapBackend =>
  'makeOutput' in backend &&
  typeof backend.makeOutput === 'function' &&
  'typedArrayFromHeap' in backend &&
  typeof backend.typedArrayFromHeap === 'function';

export const assertHeapBackend = (backend: KernelBackend, kernelName: string): HeapBackend => {
  if (isHeapBackend(backend)) return backend;
  throw new Error(
    `${kernelName}: expected the wasm backend (makeOutput, typedArrayFromHeap), but got a backend without them`,
  );
};

/**
 * A Float32Array view of a float32 tensor in the wasm heap. Take views only after the last makeOutput of a kernel:
 * an allocation can grow the heap, which detaches every earlier view.
 */
export const heapF32 = (backend: HeapBackend, info: TensorInfo): Float32Array => {
  const view = backend.typedArrayFromHeap(info);
  if (info.dtype !== 'float32' || !(view instanceof Float32Array)) {
    throw new Error(`expected a float32 tensor, but got ${info.dtype} of shape [${info.shape.join(', ')}]`);
  }
  return view;
};

/** A scratch buffer kept between calls (kernels run one at a time on one thread), grown to at least `size`. */
export const createScratch = (): ((size: number) => Float32Array) => {
  let buffer = new Float32Array(0);
  return (size) => {
    if (buffer.length < size) buffer = new Float32Array(size);
    return buffer;
  };
};
