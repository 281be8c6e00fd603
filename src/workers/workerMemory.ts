// Memory figures of a training worker after each candidate (tfjs tensors, V8 heap, wasm memory, RSS), so callers
// and tests can see that a long search leaks nothing. The optional full GC uses V8's own gc() on request.
import * as tf from '@tensorflow/tfjs-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkerMemory } from './protocol.js';

/** V8's gc(), exposed for this isolate: the flag must be set before the context that reads `gc` is created. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('V8 did not expose gc() after --expose-gc');
  return () => void gc();
}

/** The wasm backend's Emscripten module exposes its linear memory as HEAPU8 (untyped in tfjs's declarations). */
const wasmMemoryBytes = (): number | undefined => {
  const backend = tf.backend();
  if (!('wasm' in backend)) return undefined;
  const module = backend.wasm;
  if (typeof module !== 'object' || module === null || !('HEAPU8' in module)) return undefined;
  return module.HEAPU8 instanceof Uint8Array ? module.HEAPU8.buffer.byteLength : undefined;
};

/** Measures the worker now; runs `gc` first when given. */
export function measureWorkerMemory(tensorsBefore: number, gc?: () => void): WorkerMemory {
  gc?.();
  const { numTensors, numBytes } = tf.memory();
  const usage = process.memoryUsage();
  const wasm = wasmMemoryBytes();
  return {
    tensorsBefore,
    numTensors,
    numBytes,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external,
    rssBytes: usage.rss,
    afterGc: gc !== undefined,
    ...(wasm === undefined ? {} : { wasmMemoryBytes: wasm }),
  };
}
