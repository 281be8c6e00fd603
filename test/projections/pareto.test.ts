// Pure checks of the Pareto front: dominance and the sorted single-pass front against brute force.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFrontOf } from '../../src/projections/index.js';

describe('paretoFrontOf', () => {
  it('keeps points that trade accuracy, LUTs and throughput against each other and drops dominated ones', () => {
    const a = { accuracy: 0.9, luts: 30_000, throughputFps: 1000 };
    const b = { accuracy: 0.8, luts: 10_000, throughputFps: 1000 };
    const c = { accuracy: 0.8, luts: 20_000, throughputFps: 900 }; // dominated by b
    const d = { accuracy: 0.7, luts: 20_000, throughputFps: 5000 };
    expect(paretoFrontOf([c, d, b, a])).toEqual([a, b, d]);
    expect(dominates(b, c)).toBe(true);
    expect(dominates(b, b)).toBe(false);
  });

  it('matches a brute-force front on random points, ties included', () => {
    const point = fc.record({ accuracy: fc.integer({ min: 0, max: 5 }), luts: fc.integer({ min: 0, max: 5 }), throughputFps: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points) => {
        const brute = points.filter((p) => !points.some((o) => dominates(o, p)));
        const front = paretoFrontOf(points);
        expect(front).toHaveLength(brute.length);
        for (const p of brute) expect(front).toContain(p);
      }),
    );
  });
});
