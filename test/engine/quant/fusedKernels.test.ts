// The fused fake-quant kernels (wasm and cpu; PACT on the JS loops and, when cosearch-blas has it, natively)
// against the composed tfjs-op quantizers, values and STE gradients, on random shapes; the quantizer semantics
// (levels, STE masks, PACT clip gradient) through the fused path; and native PACT bit for bit against the JS loops.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/engine/backend.js';
import { setBlasEnabled } from '../../../src/engine/kernels/index.js';
import { loadBlas } from '../../../src/engine/kernels/blas.js';
import {
  pactQuantize,
  quantizeWeights,
  registerFusedQuantKernels,
  steQuantize,
} from '../../../src/engine/quant/index.js';
import { PACT_QUANT, PACT_QUANT_GRAD } from '../../../src/engine/quant/fusedKernels.js';
import { createRng } from '../../../src/engine/rng.js';

const nativePact = typeof loadBlas().addon?.pactQuant === 'function';
if (!nativePact)
  console.warn('[fusedKernels.test] native PACT kernels skipped: cosearch-blas is not built or predates them');
const BACKENDS: Array<['cpu' | 'wasm', 'js' | 'native']> = [
  ['cpu', 'js'],
  ['wasm', 'js'],
  ...(nativePact
    ? ([
        ['cpu', 'native'],
        ['wasm', 'native'],
      ] as Array<['cpu' | 'wasm', 'native']>)
    : []),
];

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
  registerFusedQuantKernels();
});

const randomTensor = (seed: number, shape: number[], spread: number): tf.Tensor => {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * spread),
    shape,
  );
};

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);

/** The composed quantizers as tfjs ops (the definitions in docs/engine.md), as reference. */
const composedUniform = (x: tf.Tensor, s: tf.Tensor, qmin: number, qmax: number): tf.Tensor =>
  tf.mul(tf.clipByValue(tf.round(tf.div(x, s)), qmin, qmax), s);
const composedPact = (x: tf.Tensor, alpha: tf.Tensor, levels: number): tf.Tensor => {
  const step = tf.div(alpha, levels - 1);
  return tf.mul(tf.round(tf.div(tf.minimum(tf.relu(x), alpha), step)), step);
};

describe.each(BACKENDS)('fused fake quantization on %s (%s)', (backend, path) => {
  afterAll(() => setBlasEnabled(true));
  beforeAll(async () => {
    await tf.setBackend(backend);
    setBlasEnabled(path === 'native');
    expect(tf.getKernel('EngineFakeQuant', backend)).toBeDefined();
  });

  it('quantizes weights exactly as the composed ops do, per channel and with one scale, at 2 to 8 bits', () => {
    for (let i = 0; i < 12; i += 1) {
      tf.tidy(() => {
        const bits = 2 + (i % 7);
        const channels = 1 + ((i * 5) % 9);
        const w = randomTensor(100 + i, [3, 3, 1 + (i % 4), channels], 0.5 + i);
        const qmax = 2 ** (bits - 1) - 1;
        const perChannel = tf.div(tf.maximum(tf.max(tf.abs(w), [0, 1, 2]), 1e-8), qmax);
        for (const scale of [perChannel, tf.scalar(0.03)]) {
          const fused = steQuantize(w, scale, -qmax - 1, qmax);
          expect(
            maxDiff(fused, composedUniform(w, scale, -qmax - 1, qmax)),
            `${bits} bits, scale [${scale.shape.join(',')}]`,
          ).toBe(0);
        }
        const layer = quantizeWeights(w, { weightBits: bits, activationBits: 8 });
        expect(maxDiff(layer, composedUniform(w, perChannel, -qmax - 1, qmax))).toBe(0);
      });
    }
  });

  it('gives the STE weight gradient: dy inside [qmin·s, qmax·s] per channel, 0 outside', () => {
    tf.tidy(() => {
      const w = randomTensor(7, [2, 5, 6], 3);
      const s = tf.tensor1d([0.1, 0.2, 0.05, 0.4, 0.3, 1]);
      const dy = randomTensor(8, [2, 5, 6], 1);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(steQuantize(v, s, -8, 7), dy)))(w);
      const inside = tf.logicalAnd(tf.greaterEqual(w, tf.mul(s, -8)), tf.lessEqual(w, tf.mul(s, 7)));
      expect(maxDiff(g, tf.mul(dy, tf.cast(inside, 'float32')))).toBe(0);
      // Calibrated per-channel weights pass the same mask and trace nothing through their scale.
      const gw = tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(quantizeWeights(v, { weightBits: 4, activationBits: 8 }), dy)),
      )(w);
      const scale = tf.div(tf.maximum(tf.max(tf.abs(w), [0, 1]), 1e-8), 7);
      const insideW = tf.logicalAnd(tf.greaterEqual(w, tf.mul(scale, -8)), tf.lessEqual(w, tf.mul(scale, 7)));
      expect(maxDiff(gw, tf.mul(dy, tf.cast(insideW, 'float32')))).toBe(0);
    });
  });

  it('quantizes PACT activations exactly as the composed ops do, with 2^bits levels up to the clip', () => {
    for (const [bits, clip] of [
      [2, 3],
      [4, 3],
      [8, 3],
      [8, 0.05],
      [3, 1.7],
    ] as const) {
      tf.tidy(() => {
        const x = randomTensor(200 + bits, [4, 7, 7, 5], 4);
        const alpha = tf.scalar(clip);
        const fused = pactQuantize(x, alpha, 2 ** bits);
        expect(maxDiff(fused, composedPact(x, alpha, 2 ** bits)), `${bits} bits, clip ${clip}`).toBe(0);
        const ramp = pactQuantize(tf.linspace(-clip, 2 * clip, 12 * 2 ** bits), alpha, 2 ** bits);
        expect(new Set(Array.from(ramp.dataSync()).map((v) => v.toFixed(6))).size).toBe(2 ** bits);
        expect(tf.max(ramp).dataSync()[0]).toBeCloseTo(clip, 5);
      });
    }
  });

  it('gives PACT gradients: dx = dy on [0, α], dα = scaled Σ dy over x > α', () => {
    tf.tidy(() => {
      const x = randomTensor(300, [4, 6, 6, 3], 4);
      const dy = randomTensor(301, [4, 6, 6, 3], 1);
      const alpha = tf.scalar(1.5);
      const [gx, ga] = tf.grads((v: tf.Tensor, a: tf.Tensor) => tf.sum(tf.mul(pactQuantize(v, a, 16), dy)))([
        x,
        alpha,
      ]) as [tf.Tensor, tf.Tensor];
      const above = tf.cast(tf.greater(x, alpha), 'float32');
      const inside = tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), tf.sub(1, above));
      expect(maxDiff(gx, tf.mul(dy, inside))).toBe(0);
      const expected = (tf.sum(tf.mul(dy, above)).dataSync()[0] ?? 0) / Math.sqrt(6 * 6 * 3 * 15);
      expect(ga.shape).toEqual([]);
      expect(Math.abs((ga.dataSync()[0] ?? 0) - expected)).toBeLessThan(1e-5 * (1 + Math.abs(expected)));
      const small = tf.grads((v: tf.Tensor, a: tf.Tensor) =>
        tf.sum(tf.mul(pactQuantize(v, a, 4), tf.tensor1d([1, 1, 1, 2, 3]))),
      )([tf.tensor1d([-1, 0.5, 2, 4, 5]), tf.scalar(3)]);
      expect(Array.from(small[0]?.dataSync() ?? [])).toEqual([0, 1, 1, 0, 0]);
      expect(small[1]?.dataSync()[0]).toBeCloseTo(5 / Math.sqrt(3), 5);
    });
  });

  it('rejects a scale that neither is one value nor matches the last axis', () => {
    tf.tidy(() => {
      expect(() => steQuantize(tf.zeros([2, 3]), tf.ones([2]), -8, 7)).toThrow(/scale of 1 or 3 values/);
    });
  });
});

describe.skipIf(!nativePact)('native PACT kernels (cosearch-blas)', () => {
  afterAll(() => setBlasEnabled(true));

  /** y, dx and dα of one case, on the native or the JS path, as raw float32 bits. */
  const run = (native: boolean, values: Float32Array, alpha: number, levels: number): Uint32Array[] => {
    setBlasEnabled(native);
    const outputs = tf.tidy(() => {
      const x = tf.tensor(values);
      const dy = tf.tensor(Float32Array.from(values, (_, i) => ((i * 7919) % 13) / 6.5 - 1));
      const a = tf.tensor1d([alpha]);
      const y = tf.engine().runKernel(PACT_QUANT, { x, alpha: a }, { levels }) as tf.Tensor;
      const [dx, dAlpha] = tf
        .engine()
        .runKernel(PACT_QUANT_GRAD, { dy, x, alpha: a }, { gradScale: 0.37 }) as tf.Tensor[];
      return [y, dx as tf.Tensor, dAlpha as tf.Tensor].map((t) => (t.dataSync() as Float32Array).slice());
    });
    return outputs.map((values) => new Uint32Array(values.buffer));
  };

  it.each(['wasm', 'cpu'] as const)(
    "gives the JS loops' float32 results bit for bit on %s, NaN and infinities included",
    async (backend) => {
      await tf.setBackend(backend);
      const rng = createRng(77);
      const values = Float32Array.from({ length: 40_000 }, () => (rng.next() * 2 - 0.5) * 8);
      // Exact ties of x/δ (round half to even), the clip itself, zero, negatives, huge and non-finite values.
      values.set(
        [0, -0, 6, 6.000001, 3, 1.5, 4.5, -1e30, 1e30, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN],
        0,
      );
      for (const [alpha, levels] of [
        [6, 5],
        [6, 16],
        [2.5, 256],
        [0.7, 4],
      ] as const) {
        const native = run(true, values, alpha, levels);
        const js = run(false, values, alpha, levels);
        ['y', 'dx', 'dalpha'].forEach((name, k) =>
          expect(native[k], `${name} at α ${alpha}, ${levels} levels`).toEqual(js[k]),
        );
      }
    },
  );
});
