// Sum and Mean on wasm (the engine's leading-axes pass, wasm's own kernels otherwise) against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, createRng, randomInput, setUpBackends } from './kernelHarness.js';

describe('Sum and Mean on wasm', () => {
  beforeAll(setUpBackends);

  it('match the cpu backend over leading axes, other axes and all axes, with and without keepDims', async () => {
    const rng = createRng(81);
    for (let i = 0; i < 30; i += 1) {
      const rank = 1 + rng.nextInt(4);
      const shape = Array.from({ length: rank }, () => 1 + rng.nextInt(5));
      const axis = Array.from({ length: rank }, (_, a) => a).filter(() => rng.next() < 0.6);
      const leading = Array.from({ length: 1 + rng.nextInt(rank) }, (_, a) => a);
      for (const kernel of ['Sum', 'Mean']) {
        for (const [axes, keepDims] of [
          [axis, false],
          [leading, rng.next() < 0.5],
        ] as const) {
          const what = `${kernel} of [${shape.join(',')}] over [${axes.join(',')}] keepDims ${keepDims}`;
          const result = await compareWithCpu(kernel, { x: randomInput(rng, shape) }, { axis: [...axes], keepDims });
          expect(result.wasmShape, what).toEqual(result.cpuShape);
          expect(result.error, what).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('keep the per-channel sum of a batch-norm-sized tensor as accurate as the cpu backend (float64 accumulation)', async () => {
    const rng = createRng(82);
    const x = randomInput(rng, [64, 16, 16, 8]);
    for (const kernel of ['Sum', 'Mean']) {
      const result = await compareWithCpu(kernel, { x }, { axis: [0, 1, 2], keepDims: false });
      expect(result.wasmShape).toEqual([8]);
      expect(result.error, kernel).toBeLessThan(1e-6);
    }
  });

  it('leave int32 tensors to wasm own kernels and still reduce them', async () => {
    await tf.setBackend('wasm');
    const sums = tf.tidy(() =>
      Array.from(
        tf
          .sum(
            tf.tensor(
              [
                [1, 2],
                [3, 4],
              ],
              [2, 2],
              'int32',
            ),
            0,
          )
          .dataSync(),
      ),
    );
    expect(sums).toEqual([4, 6]);
  });
});
