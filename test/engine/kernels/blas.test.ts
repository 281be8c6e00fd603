// The optional OpenBLAS accelerator (native/blas, kernels/blas.ts): Conv2D, Conv2DBackpropInput and
// Conv2DBackpropFilter on wasm through cosearch-blas against the cpu backend, on random shapes with strides,
// padding and (forward) dilations; the fallback for cases it does not take; and COSEARCH_BLAS=0.
// Skipped, with the reason printed, when the addon is not installed (no libopenblas-dev or no C++ toolchain).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { blasKernelsActive, blasStatus, setBlasEnabled } from '../../../src/engine/kernels/index.js';
import { blasDisabledByEnv, loadBlas } from '../../../src/engine/kernels/blas.js';
import { backendLabel } from '../../../src/engine/backend.js';
import {
  compareWithCpu,
  createRng,
  describeCase,
  randomConvCase,
  randomInput,
  setUpBackends,
} from './kernelHarness.js';
import type { ConvCase } from './kernelHarness.js';

const status = blasStatus();
if (!status.available)
  console.warn(`[blas.test] cosearch-blas accelerator tests skipped: ${status.reason ?? 'unknown reason'}`);

describe('COSEARCH_BLAS', () => {
  it('turns the accelerator off with 0, off or false, and leaves it on otherwise', () => {
    expect(blasDisabledByEnv({ COSEARCH_BLAS: '0' })).toBe(true);
    expect(blasDisabledByEnv({ COSEARCH_BLAS: 'off' })).toBe(true);
    expect(blasDisabledByEnv({ COSEARCH_BLAS: 'FALSE' })).toBe(true);
    expect(blasDisabledByEnv({})).toBe(false);
    expect(blasDisabledByEnv({ COSEARCH_BLAS: '1' })).toBe(false);
    expect(loadBlas({ COSEARCH_BLAS: '0' })).toEqual({ reason: 'turned off by COSEARCH_BLAS=0' });
  });
});

describe.skipIf(!status.available)('cosearch-blas conv kernels on wasm', () => {
  beforeAll(async () => {
    await setUpBackends();
    setBlasEnabled(true);
  });

  it('is registered for Conv2D and its two gradients when wasm starts, and recorded as wasm+blas', () => {
    expect(blasKernelsActive()).toBe(true);
    expect(status.config).toMatch(/OpenBLAS/);
    expect(backendLabel('wasm')).toBe('wasm+blas');
    expect(backendLabel('cpu')).toBe('cpu');
    expect(backendLabel('node')).toBe('node');
  });

  const forward = (rng: ReturnType<typeof createRng>, c: ConvCase) =>
    compareWithCpu(
      'Conv2D',
      { x: randomInput(rng, c.x), filter: randomInput(rng, c.filter) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations },
    );

  it('matches the cpu backend on 40 random shapes in all three directions (strides 1 and 2; same, valid, explicit padding)', async () => {
    const rng = createRng(71);
    for (let i = 0; i < 40; i += 1) {
      const c = randomConvCase(rng, false);
      const y = await forward(rng, c);
      expect(y.wasmShape, describeCase(c)).toEqual(c.dy);
      expect(y.error, `Conv2D ${describeCase(c)}`).toBeLessThan(1e-4);
      const dx = await compareWithCpu(
        'Conv2DBackpropInput',
        { dy: randomInput(rng, c.dy), filter: randomInput(rng, c.filter) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
      );
      expect(dx.wasmShape, describeCase(c)).toEqual(c.x);
      expect(dx.error, `Conv2DBackpropInput ${describeCase(c)}`).toBeLessThan(1e-4);
      const dw = await compareWithCpu(
        'Conv2DBackpropFilter',
        { x: randomInput(rng, c.x), dy: randomInput(rng, c.dy) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
      );
      expect(dw.wasmShape, describeCase(c)).toEqual(c.filter);
      expect(dw.error, `Conv2DBackpropFilter ${describeCase(c)}`).toBeLessThan(1e-4);
    }
  });

  it('matches the cpu backend on dilated forward convs', async () => {
    const rng = createRng(72);
    const cases: ConvCase[] = [
      { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], dy: [2, 9, 8, 4], strides: [1, 1], dilations: [2, 2], pad: 'same' },
      { x: [1, 9, 9, 2], filter: [3, 2, 2, 3], dy: [1, 5, 7, 3], strides: [1, 1], dilations: [2, 2], pad: 'valid' },
      { x: [2, 7, 8, 2], filter: [2, 3, 2, 2], dy: [2, 7, 8, 2], strides: [1, 1], dilations: [3, 2], pad: 'same' },
    ];
    for (const c of cases) {
      const y = await forward(rng, c);
      expect(y.wasmShape, describeCase(c)).toEqual(c.dy);
      expect(y.error, describeCase(c)).toBeLessThan(1e-4);
    }
  });

  it('matches the cpu backend when the im2col buffer is split over several image chunks', async () => {
    const rng = createRng(73);
    // 64x64 positions x 3x3x64 taps per image: over the addon's 2M-float chunk, so one image per GEMM.
    const c: ConvCase = {
      x: [3, 64, 64, 64],
      filter: [3, 3, 64, 2],
      dy: [3, 64, 64, 2],
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'same',
    };
    expect((await forward(rng, c)).error).toBeLessThan(1e-4);
    const dx = await compareWithCpu(
      'Conv2DBackpropInput',
      { dy: randomInput(rng, c.dy), filter: randomInput(rng, c.filter) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
    );
    expect(dx.error).toBeLessThan(1e-4);
    const dw = await compareWithCpu(
      'Conv2DBackpropFilter',
      { x: randomInput(rng, c.x), dy: randomInput(rng, c.dy) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
    );
    expect(dw.error).toBeLessThan(1e-3);
  });

  it('gives the same gradients with the accelerator off (the wrapped kernels) as on', async () => {
    await tf.setBackend('wasm');
    const rng = createRng(74);
    const x = randomInput(rng, [2, 8, 8, 3]);
    const w = randomInput(rng, [3, 3, 3, 5]);
    const grads = () =>
      tf.tidy(() => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
        )([tf.tensor(x.values, x.shape), tf.tensor(w.values, w.shape)]);
        return [Float32Array.from(gx?.dataSync() ?? []), Float32Array.from(gw?.dataSync() ?? [])];
      });
    const on = grads();
    setBlasEnabled(false);
    let off: Float32Array[];
    try {
      off = grads();
    } finally {
      setBlasEnabled(true);
    }
    for (const [i, a] of on.entries()) {
      const b = off[i] ?? new Float32Array(0);
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let j = 0; j < a.length; j += 1)
        worst = Math.max(worst, Math.abs((a[j] ?? 0) - (b[j] ?? 0)) / (1 + Math.abs(b[j] ?? 0)));
      expect(worst).toBeLessThan(1e-4);
    }
  });
});
