// Tile on wasm (the engine's broadcast form for float32, wasm's own kernel otherwise) against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, createRng, randomInput, runKernelOn, setUpBackends } from './kernelHarness.js';

describe('Tile on wasm', () => {
  beforeAll(setUpBackends);

  it('matches the cpu backend on the batch-norm gradient shape and on random ranks 1 to 4', async () => {
    const rng = createRng(61);
    const cases: Array<[number[], number[]]> = [
      [
        [1, 1, 1, 5],
        [3, 4, 2, 1],
      ],
      [
        [2, 3],
        [2, 2],
      ],
      [[4], [3]],
      [
        [2, 1, 3],
        [1, 5, 1],
      ],
      [
        [3, 2, 2, 2],
        [1, 1, 1, 1],
      ],
    ];
    for (let i = 0; i < 10; i += 1) {
      const rank = 1 + rng.nextInt(4);
      cases.push([
        Array.from({ length: rank }, () => 1 + rng.nextInt(3)),
        Array.from({ length: rank }, () => 1 + rng.nextInt(3)),
      ]);
    }
    for (const [shape, reps] of cases) {
      const result = await compareWithCpu('Tile', { x: randomInput(rng, shape) }, { reps });
      expect(result.wasmShape, `${shape} by ${reps}`).toEqual(result.cpuShape);
      expect(result.error, `${shape} by ${reps}`).toBe(0);
    }
  });

  it('leaves int32 tensors to wasm own kernel and still tiles them', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() => Array.from(tf.tile(tf.tensor([1, 2], [2], 'int32'), [2]).dataSync()));
    expect(out).toEqual([1, 2, 1, 2]);
    expect(
      await runKernelOn('wasm', 'Tile', { x: { shape: [1], values: new Float32Array([7]) } }, { reps: [3] }),
    ).toMatchObject({ shape: [3] });
  });
});
