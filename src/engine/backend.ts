// tfjs backend selection for training: tfjs-node when it can be imported, else wasm (SIMD) with the engine's
// training kernels, else the pure-JS cpu backend. COSEARCH_BACKEND=node|wasm|cpu forces one.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CosearchError } from '../errors.js';
import { blasKernelsActive, registerEngineKernels, registerFusedTrainingKernels } from './kernels/index.js';
import { registerFusedQuantKernels } from './quant/index.js';

export type BackendName = 'node' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['node', 'wasm', 'cpu'];

/** The tfjs backend name behind each of ours (tfjs-node registers itself as 'tensorflow'). */
const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

export interface SelectBackendOptions {
  /**
   * Backend to force. A forced backend that cannot start throws BAD_USER_INPUT instead of falling back.
   * @default process.env.COSEARCH_BACKEND, else automatic: node, then wasm, then cpu
   */
  backend?: BackendName | undefined;
  /** Called once per backend that was tried and failed, with the reason (for logs). */
  onFallback?: (backend: BackendName, reason: string) => void;
}

export const isBackendName = (value: unknown): value is BackendName =>
  typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);

/** Reads COSEARCH_BACKEND: undefined when unset or empty, a BAD_USER_INPUT error when it names no backend. */
export const backendFromEnv = (env: NodeJS.ProcessEnv = process.env): BackendName | undefined => {
  const value = env['COSEARCH_BACKEND'];
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (isBackendName(value)) return value;
  throw new CosearchError(
    'BAD_USER_INPUT',
    `COSEARCH_BACKEND expects one of ${BACKEND_NAMES.join(', ')} (or auto), but got '${value}'. Unset it to choose automatically.`,
  );
};

const require = createRequire(import.meta.url);

/** The folder holding wasm's .wasm binaries, as a file path with a trailing slash (what setWasmPaths needs in Node). */
export const wasmBinaryDir = (): string =>
  `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`;

const loaders: Record<BackendName, () => Promise<void>> = {
  node: async () => {
    // A variable specifier keeps TypeScript from needing tfjs-node's types: it is an optional dependency.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
  },
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBinaryDir());
    registerEngineKernels();
    registerFusedQuantKernels();
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    // Only the fused kernels: the wasm kernels wait for the wasm module, whose own kernels they replace.
    registerFusedTrainingKernels();
    registerFusedQuantKernels();
  },
};

const tryBackend = async (name: BackendName): Promise<string | undefined> => {
  try {
    await loaders[name]();
    const ok = await tf.setBackend(TFJS_NAME[name]);
    if (!ok) return `tf.setBackend('${TFJS_NAME[name]}') returned false`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/**
 * Makes the best available backend the active tfjs backend and returns its name (recorded in TrainingStarted).
 * Safe to call repeatedly: a backend already active is kept.
 */
export const selectBackend = async (options: SelectBackendOptions = {}): Promise<BackendName> => {
  // tfjs-core's Node bundle registers no gradients; tfjs-layers' Node bundle registers all of them on load.
  // Training needs them whatever the backend, and the engine trains through tfjs-layers anyway.
  await import('@tensorflow/tfjs-layers');
  const forced = options.backend ?? backendFromEnv();
  if (forced !== undefined) {
    const reason = await tryBackend(forced);
    if (reason === undefined) return forced;
    throw new CosearchError(
      'BAD_USER_INPUT',
      `the forced tfjs backend '${forced}' is unavailable: ${reason}. Choose another with COSEARCH_BACKEND=${BACKEND_NAMES.filter((b) => b !== forced).join('|')}, or unset it.`,
      { backend: forced },
    );
  }
  for (const name of BACKEND_NAMES) {
    const reason = await tryBackend(name);
    if (reason === undefined) return name;
    options.onFallback?.(name, reason);
  }
  throw new CosearchError(
    'INTERNAL',
    'no tfjs backend could start: tried node, wasm and cpu. Reinstall the dependencies with npm ci.',
  );
};

/**
 * The backend name to record (TrainingStarted.backend): selectBackend's name, with '+blas' when the optional
 * OpenBLAS conv kernels (native/blas) serve wasm's convolutions, so 'wasm+blas'. Other names are unchanged.
 */
export const backendLabel = (name: string): string => (name === 'wasm' && blasKernelsActive() ? 'wasm+blas' : name);
