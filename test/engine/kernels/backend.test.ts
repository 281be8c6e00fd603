// Backend selection: COSEARCH_BACKEND parsing, forcing an unavailable backend, automatic fallback to wasm here,
// and registerEngineKernels being explicit and idempotent.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendFromEnv, selectBackend, wasmBinaryDir } from '../../../src/engine/backend.js';
import { registerEngineKernels } from '../../../src/engine/kernels/index.js';
import { existsSync } from 'node:fs';

describe('backend selection', () => {
  it('reads COSEARCH_BACKEND as node, wasm or cpu, and unset, empty or auto as automatic', () => {
    expect(backendFromEnv({ COSEARCH_BACKEND: 'cpu' })).toBe('cpu');
    expect(backendFromEnv({ COSEARCH_BACKEND: 'wasm' })).toBe('wasm');
    expect(backendFromEnv({ COSEARCH_BACKEND: 'node' })).toBe('node');
    expect(backendFromEnv({})).toBeUndefined();
    expect(backendFromEnv({ COSEARCH_BACKEND: '' })).toBeUndefined();
    expect(backendFromEnv({ COSEARCH_BACKEND: 'auto' })).toBeUndefined();
  });

  it('rejects a COSEARCH_BACKEND that names no backend with BAD_USER_INPUT', () => {
    expect(() => backendFromEnv({ COSEARCH_BACKEND: 'gpu' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('points setWasmPaths at a folder with the SIMD binary, with a trailing slash', () => {
    const dir = wasmBinaryDir();
    expect(dir.endsWith('/')).toBe(true);
    expect(existsSync(`${dir}tfjs-backend-wasm-simd.wasm`)).toBe(true);
  });

  it('refuses a forced node backend that is not installed with BAD_USER_INPUT instead of falling back', async () => {
    await expect(selectBackend({ backend: 'node' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('falls back to wasm with the engine kernels when tfjs-node is absent, and can be forced to cpu', async () => {
    const fallbacks: string[] = [];
    expect(await selectBackend({ onFallback: (name) => fallbacks.push(name) })).toBe('wasm');
    expect(fallbacks).toEqual(['node']);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(await selectBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('registers the kernels once: a second registerEngineKernels call changes nothing', async () => {
    await selectBackend({ backend: 'wasm' });
    expect(registerEngineKernels()).toEqual({ registered: [], replaced: [] });
  });
});
