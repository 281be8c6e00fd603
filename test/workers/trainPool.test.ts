// Trains tiny candidates through the worker-thread pool (compiled dist/ workers, one tfjs per thread).
import { describe, expect, it } from 'vitest';
import { createTrainPool, defaultWorkerCount } from '../../src/workers/index.js';
import { conv, dense, tinyCandidate, tinyInput } from '../engine/candidates.js';
import { colourDataset } from '../engine/colourData.js';

describe('training pool', () => {
  it('trains three candidates on two workers and reports each result with its worker and epochs', async () => {
    const pool = createTrainPool({ dataset: colourDataset, workers: 2, backend: 'wasm' });
    try {
      // Both workers must be up, or on a busy machine the first could finish a candidate before the second starts.
      await pool.ready();
      const epochs: number[] = [];
      const starts: number[] = [];
      const candidates = [
        tinyCandidate,
        { input: tinyInput, layers: [conv(4, { weightBits: 2, activationBits: 2 }), dense(2)] },
        { input: tinyInput, layers: [conv(4), dense(2)] },
      ];
      const results = await Promise.all(
        candidates.map((c, i) =>
          pool.train(
            c,
            { epochs: 1, batchSize: 32, subset: 96, seed: i },
            { onEpoch: (p) => epochs.push(p.epoch), onStart: (s) => starts.push(s.workerId) },
          ),
        ),
      );
      expect(results).toHaveLength(3);
      for (const r of results) {
        expect(r.backend).toMatch(/^wasm(\+blas)?$/);
        expect(r.epochs).toBe(1);
        expect(r.accuracy).toBeGreaterThanOrEqual(0);
        expect([0, 1]).toContain(r.workerId);
        expect(r.memory.numTensors).toBe(r.memory.tensorsBefore);
        expect(r.memory.afterGc).toBe(false);
        expect(r.memory.heapUsedBytes).toBeGreaterThan(0);
        expect(r.memory.wasmMemoryBytes).toBeGreaterThan(0);
      }
      expect(epochs).toEqual([1, 1, 1]);
      expect(new Set(starts)).toEqual(new Set([0, 1]));
    } finally {
      await pool.close();
    }
  });

  it('rebuilds a worker-side BAD_USER_INPUT error with its code', async () => {
    const pool = createTrainPool({ dataset: colourDataset, workers: 1, backend: 'wasm' });
    try {
      await expect(pool.train({ input: tinyInput, layers: [conv(4), dense(10)] })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    } finally {
      await pool.close();
    }
  });

  it('cancels a running and a queued candidate with ILLEGAL_STATE, then trains the next one from the same tensor baseline', async () => {
    const pool = createTrainPool({ dataset: colourDataset, workers: 1, backend: 'wasm' });
    try {
      await pool.ready();
      const running = new AbortController();
      const queued = new AbortController();
      const first = pool.train(
        tinyCandidate,
        { epochs: 3, batchSize: 32, subset: 96 },
        { signal: running.signal, onEpoch: () => running.abort() },
      );
      const second = pool.train(tinyCandidate, { epochs: 1, batchSize: 32, subset: 96 }, { signal: queued.signal });
      queued.abort();
      await expect(second).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'training was cancelled' });
      await expect(first).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'training was cancelled' });
      const after = await pool.train(tinyCandidate, { epochs: 1, batchSize: 32, subset: 96 });
      // the wasm worker holds no tensor between candidates, so the cancelled run left none behind
      expect(after.memory.tensorsBefore).toBe(0);
      expect(after.memory.numTensors).toBe(0);
      expect(after.epochs).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('reads COSEARCH_WORKERS and rejects a bad value with BAD_USER_INPUT', () => {
    expect(defaultWorkerCount({ COSEARCH_WORKERS: '3' })).toBe(3);
    expect(() => defaultWorkerCount({ COSEARCH_WORKERS: 'x' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('fails queued trainings and ready() with INTERNAL, naming the script, when no worker can start', async () => {
    const pool = createTrainPool({ dataset: colourDataset, workers: 1, workerScript: '/nonexistent/trainWorker.js' });
    try {
      const ready = pool.ready();
      await expect(pool.train(tinyCandidate)).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('/nonexistent/trainWorker.js'),
      });
      await expect(ready).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('could not start'),
      });
    } finally {
      await pool.close();
    }
  });
});
