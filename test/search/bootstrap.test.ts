// The fidelity table's bootstrap interval (src/search/bootstrap.ts): seeded, bracketing the estimate, degenerate
// where it must be, and as wide as theory says for independent samples.
import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../src/search/bootstrap.js';
import { kendallTauB } from '../../src/search/index.js';
import { createRng } from '../../src/space/index.js';

const sample = (n: number, noise: number, seed: number): { x: number[]; y: number[] } => {
  const rng = createRng(seed);
  const y = Array.from({ length: n }, () => rng.next());
  return { x: y.map((v) => v + noise * (rng.next() - 0.5)), y };
};

describe('bootstrapInterval', () => {
  it('is the same for the same seed, and brackets the estimate', () => {
    const { x, y } = sample(29, 0.6, 3);
    const a = bootstrapInterval(x, y, kendallTauB);
    expect(bootstrapInterval(x, y, kendallTauB)).toEqual(a);
    expect(bootstrapInterval(x, y, kendallTauB, { seed: 2 })).not.toEqual(a);
    const tau = kendallTauB(x, y) ?? NaN;
    expect(a?.[0]).toBeLessThan(tau);
    expect(a?.[1]).toBeGreaterThan(tau);
  });

  it('is [1, 1] for a perfect ranking, and null below 3 pairs or for a constant column', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(
      bootstrapInterval(
        x,
        x.map((v) => 10 * v),
        kendallTauB,
      ),
    ).toEqual([1, 1]);
    expect(bootstrapInterval([1, 2], [1, 2], kendallTauB)).toBeNull();
    expect(
      bootstrapInterval(
        x,
        x.map(() => 0.5),
        kendallTauB,
      ),
    ).toBeNull();
  });

  it('for independent samples of 29 it spans about ±1.645 standard errors of τ around 0', () => {
    const { x } = sample(29, 0, 5);
    const { y } = sample(29, 0, 6);
    const [lo = NaN, hi = NaN] = bootstrapInterval(x, y, kendallTauB, { resamples: 2000 }) ?? [];
    // Under independence, sd(τ) = √(2(2n + 5) / (9n(n − 1))) ≈ 0.131 for n = 29: a 90 % interval ≈ 0.43 wide.
    const sd = Math.sqrt((2 * (2 * 29 + 5)) / (9 * 29 * 28));
    expect(hi - lo).toBeGreaterThan(2 * 1.645 * sd * 0.7);
    expect(hi - lo).toBeLessThan(2 * 1.645 * sd * 1.3);
  });
});
