// NASWOT on self-made images: the log-determinant by hand, a finite and repeatable score, and a ranking that puts a
// wide net above a degenerate one; no tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.js';
import { logDeterminant, naswotScore } from '../../src/engine/zeroCost.js';
import type { Candidate } from '../../src/space/candidate.js';
import { conv, dense, tinyInput } from './candidates.js';
import { colourDataset } from './colourData.js';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

const wide: Candidate = { input: tinyInput, layers: [conv(16), conv(16, { skip: true }), dense(2)] };
/** One filter whose stride-8 kernel shrinks the 8x8 image to a single unit: one bit of code per image. */
const degenerate: Candidate = {
  input: tinyInput,
  layers: [conv(1, { kernelSize: 8, stride: 8, padding: 'valid' }), dense(2)],
};

describe('logDeterminant', () => {
  it('equals the log of a hand-computed determinant', () => {
    // det [[4, 2, 0], [2, 3, 1], [0, 1, 2]] = 4·(6 − 1) − 2·(4 − 0) = 12
    const m = [Float64Array.of(4, 2, 0), Float64Array.of(2, 3, 1), Float64Array.of(0, 1, 2)];
    expect(logDeterminant(m)).toBeCloseTo(Math.log(12), 12);
  });

  it('refuses a singular matrix instead of returning minus infinity', () => {
    expect(() => logDeterminant([Float64Array.of(1, 1), Float64Array.of(1, 1)])).toThrow(/positive definite/);
  });
});

describe('naswotScore', () => {
  it('gives a finite score that repeats exactly for the same seed', async () => {
    const a = await naswotScore(wide, colourDataset, { seed: 5, batchSize: 32 });
    const b = await naswotScore(wide, colourDataset, { seed: 5, batchSize: 32 });
    expect(Number.isFinite(a.score)).toBe(true);
    expect(a.score).toBe(b.score);
    expect(a).toMatchObject({ kind: 'naswot', images: 32 });
  });

  it('scores a wide net above a degenerate one whose codes can take only two values', async () => {
    const w = await naswotScore(wide, colourDataset, { seed: 5, batchSize: 32 });
    const d = await naswotScore(degenerate, colourDataset, { seed: 5, batchSize: 32 });
    expect(Number.isFinite(d.score)).toBe(true);
    // The degenerate kernel has rank ≤ 2 before the identity: log|K| ≤ 2·log(1 + 32·units) ≈ 7; the wide one is far above.
    expect(d.score).toBeLessThan(10);
    expect(w.score).toBeGreaterThan(d.score + 50);
  });

  it('draws another batch and initialisation for another seed', async () => {
    const a = await naswotScore(wide, colourDataset, { seed: 5, batchSize: 32 });
    const b = await naswotScore(wide, colourDataset, { seed: 6, batchSize: 32 });
    expect(a.score).not.toBe(b.score);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await naswotScore(wide, colourDataset, { seed: 1, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
