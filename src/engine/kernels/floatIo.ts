// Float32 tensor access shared by the engine's fused kernels on wasm (views of the wasm heap) and on cpu (the
// backend's own arrays): allocate outputs, view inputs and outputs as Float32Arrays, no copies.
import type { TensorInfo } from '@tensorflow/tfjs-core';

export interface FloatIo {
  /** A new float32 output. On wasm, allocate every output before taking views: allocation can move the heap. */
  output(shape: number[]): TensorInfo;
  view(info: TensorInfo): Float32Array;
}

const asFloat32 = (values: unknown, info: TensorInfo): Float32Array => {
  if (values instanceof Float32Array) return values;
  throw new Error(
    `engine fused kernels expect float32 tensors, but got ${info.dtype} of shape [${info.shape.join(', ')}]`,
  );
};

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): unknown;
}
interface CpuLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  readSync(dataId: object): unknown;
}
const hasMethods = (backend: unknown, names: string[]): boolean =>
  typeof backend === 'object' &&
  backend !== null &&
  names.every((n) => typeof (backend as Record<string, unknown>)[n] === 'function');
const isWasmLike = (backend: unknown): backend is WasmLike => hasMethods(backend, ['makeOutput', 'typedArrayFromHeap']);
const isCpuLike = (backend: unknown): backend is CpuLike => hasMethods(backend, ['makeTensorInfo', 'readSync']);

export const floatIo = (backend: unknown): FloatIo => {
  if (isWasmLike(backend)) {
    return {
      output: (shape) => backend.makeOutput(shape, 'float32'),
      view: (info) => asFloat32(backend.typedArrayFromHeap(info), info),
    };
  }
  if (isCpuLike(backend)) {
    // The cpu backend stores the array it is given and readSync returns that same array: no copies.
    return {
      output: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(sizeOf(shape))),
      view: (info) => asFloat32(backend.readSync(info.dataId), info),
    };
  }
  throw new Error('engine fused kernels run on the wasm and cpu backends only');
};
