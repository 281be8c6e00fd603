// Pure checks of the one Pareto rule: dominance, the single-pass front against brute force, and the tie rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFront, type ParetoPoint } from '../../src/experiment/index.js';

const at = (index: number, accuracy: number, luts: number, throughputFps: number): ParetoPoint => ({
  candidateId: `c${index}`,
  index,
  accuracy,
  luts,
  throughputFps,
});

describe('paretoFront', () => {
  it('keeps points that trade accuracy, LUTs and throughput against each other and drops dominated ones', () => {
    const a = at(0, 0.9, 30_000, 1000);
    const b = at(1, 0.8, 10_000, 1000);
    const c = at(2, 0.8, 20_000, 900); // dominated by b
    const d = at(3, 0.7, 20_000, 5000);
    expect(paretoFront([c, d, b, a])).toEqual([a, b, d]);
    expect(dominates(b, c)).toBe(true);
    expect(dominates(b, b)).toBe(false);
  });

  it('keeps only the earliest proposal of identical points, whatever the input order', () => {
    const late = at(7, 0.8, 10_000, 1000);
    const early = at(2, 0.8, 10_000, 1000);
    expect(paretoFront([late, early])).toEqual([early]);
    expect(paretoFront([early, late])).toEqual([early]);
  });

  it('matches a brute-force front on random points, ties included', () => {
    const point = fc.record({
      accuracy: fc.integer({ min: 0, max: 5 }),
      luts: fc.integer({ min: 0, max: 5 }),
      throughputFps: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (raw) => {
        const points = raw.map((p, i) => ({ ...p, candidateId: `c${i}`, index: i }));
        const same = (a: ParetoPoint, b: ParetoPoint) =>
          a.accuracy === b.accuracy && a.luts === b.luts && a.throughputFps === b.throughputFps;
        const brute = points.filter((p) => !points.some((o) => dominates(o, p) || (same(o, p) && o.index < p.index)));
        const front = paretoFront(points);
        expect(front.map((p) => p.candidateId).sort()).toEqual(brute.map((p) => p.candidateId).sort());
      }),
    );
  });
});
