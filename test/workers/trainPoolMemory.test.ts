// Issue 4, "no leak across 100 candidates": 100 varied tiny candidates through a 2-worker pool; each worker's
// tfjs tensors return to their baseline after every candidate and its heap, wasm memory and RSS stay bounded.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/rng.js';
import type { Candidate, ConvLayer, DenseLayer } from '../../src/space/candidate.js';
import { createTrainPool, type PoolTrainResult, type WorkerTrainOptions } from '../../src/workers/index.js';
import { conv, dense, tinyInput } from '../engine/candidates.js';
import { colourDataset } from '../engine/colourData.js';

const CANDIDATES = 100;

/** A seeded mix of depths, widths, pools, skips, bit widths (1..8, fixed point or learned scales) and optimizers. */
function variedJobs(count: number, seed: number): { candidate: Candidate; options: WorkerTrainOptions }[] {
  const rng = createRng(seed);
  const pick = <T>(items: readonly T[]): T => items[rng.nextInt(items.length)] as T;
  const bits = (): Pick<ConvLayer, 'weightBits' | 'activationBits'> &
    Partial<Pick<ConvLayer, 'weightIntBits' | 'activationIntBits'>> => {
    const weightBits = 1 + rng.nextInt(8);
    const activationBits = 1 + rng.nextInt(8);
    const fixed = rng.next() < 0.3;
    return { weightBits, activationBits, ...(fixed ? { weightIntBits: 1, activationIntBits: 1 } : {}) };
  };
  return Array.from({ length: count }, (_, n) => {
    const filters = pick([2, 4, 8]);
    const convs: ConvLayer[] = [
      conv(filters, { ...bits(), ...(rng.next() < 0.5 ? { maxPool: { size: 2, stride: 2 } } : {}) }),
    ];
    if (rng.next() < 0.6) convs.push(conv(filters, { ...bits(), skip: rng.next() < 0.5 }));
    const hidden: DenseLayer[] = rng.next() < 0.4 ? [dense(pick([4, 8]), bits())] : [];
    return {
      candidate: { input: tinyInput, layers: [...convs, ...hidden, dense(2, bits())] },
      options: {
        epochs: 1,
        batchSize: 32,
        subset: 64,
        seed: n,
        optimizer: pick(['sgd', 'momentum', 'adam'] as const),
        lrSchedule: pick(['constant', 'cosine', 'step'] as const),
        evaluateTest: n % 4 === 0,
      },
    };
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Least-squares slope of `values` against their index (bytes per candidate). */
const slope = (values: number[]): number => {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
};

const MiB = 1024 * 1024;

describe('training pool memory', () => {
  it('returns every worker to its tensor baseline after each of 100 candidates, with bounded heap, wasm memory and RSS', async () => {
    const pool = createTrainPool({ dataset: colourDataset, workers: 2, backend: 'wasm', gcAfterEach: true });
    const results: PoolTrainResult[] = [];
    try {
      await pool.ready();
      // Two in flight at a time (one per worker), so results arrive in completion order per worker.
      const jobs = variedJobs(CANDIDATES, 42);
      let next = 0;
      const drain = async (): Promise<void> => {
        while (next < jobs.length) {
          const job = jobs[next++];
          if (job) results.push(await pool.train(job.candidate, job.options));
        }
      };
      await Promise.all([drain(), drain()]);
    } finally {
      await pool.close();
    }
    expect(results).toHaveLength(CANDIDATES);
    for (const workerId of [0, 1]) {
      const mine = results.filter((r) => r.workerId === workerId).map((r) => r.memory);
      expect(mine.length).toBeGreaterThanOrEqual(40);
      const first = mine.slice(0, 20);
      const last = mine.slice(-20);
      const baseline = mine[0]!.tensorsBefore;
      for (const m of mine) {
        expect(m.afterGc).toBe(true);
        expect(m.tensorsBefore).toBe(baseline);
        expect(m.numTensors).toBe(baseline);
        expect(m.numBytes).toBe(mine[0]!.numBytes);
      }
      // After a full GC: the live heap and external memory may warm up (JIT, caches) but must not keep growing.
      for (const key of ['heapUsedBytes', 'externalBytes'] as const) {
        const series = mine.map((m) => m[key]);
        expect(median(last.map((m) => m[key]))).toBeLessThan(median(first.map((m) => m[key])) * 1.1 + 2 * MiB);
        expect(slope(series.slice(20))).toBeLessThan(16 * 1024);
      }
      // The wasm linear memory only grows; tiny models must not push it past what the first 20 needed.
      expect(Math.max(...last.map((m) => m.wasmMemoryBytes ?? 0))).toBeLessThanOrEqual(
        Math.max(...first.map((m) => m.wasmMemoryBytes ?? 0)) * 1.5,
      );
      // RSS is the whole (test) process, so only a loose bound.
      expect(median(last.map((m) => m.rssBytes))).toBeLessThan(median(first.map((m) => m.rssBytes)) * 1.25 + 16 * MiB);
      if (process.env['COSEARCH_PRINT_MEMORY']) {
        console.log(
          JSON.stringify({
            workerId,
            jobs: mine.length,
            memory: mine.map((m) =>
              [m.heapUsedBytes, m.externalBytes, m.wasmMemoryBytes, m.rssBytes].map((b) => Math.round((b ?? 0) / 1024)),
            ),
          }),
        );
      }
    }
  });
});
