// Rank correlations against values worked out by hand, with and without ties.
import { describe, expect, it } from 'vitest';
import { averageRanks, kendallTauB, spearmanRho } from '../../src/search/rankCorrelation.js';

describe('rank correlation', () => {
  it('gives tied values the mean of the ranks they span', () => {
    expect(averageRanks([10, 30, 20, 30, 5])).toEqual([2, 4.5, 3, 4.5, 1]);
  });

  it('is 1 for the same order and −1 for the reversed order', () => {
    expect(spearmanRho([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearmanRho([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches the hand-computed values without ties', () => {
    // y ranks [2, 1, 4, 3]: Σd² = 4, ρ = 1 − 6·4/(4·15) = 0.6; pairs (1,2) and (3,4) discordant, 4 concordant: τ = (4 − 2)/6.
    expect(spearmanRho([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
    expect(kendallTauB([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(1 / 3, 12);
  });

  it('matches the hand-computed values with ties in one sample', () => {
    // y = [5, 6, 7, 8, 7]: ranks [1, 2, 3.5, 5, 3.5]; Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5, ρ = 8/√95.
    // 8 concordant, 1 discordant (4,5), 1 pair tied in y: τ-b = 7/√(10·9).
    expect(spearmanRho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(kendallTauB([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(7 / Math.sqrt(90), 12);
  });

  it('matches the hand-computed values with ties in both samples', () => {
    // x = [1, 2, 2, 3], y = [1, 3, 2, 3]: 4 concordant, 0 discordant, one tie in x (2,3), one in y (2,4): τ-b = 4/√(5·5).
    // ranks x [1, 2.5, 2.5, 4], y [1, 3.5, 2, 3.5]: Σ dx·dy = 3.75, Σ dx² = Σ dy² = 4.5, ρ = 3.75/4.5.
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 3])).toBeCloseTo(0.8, 12);
    expect(spearmanRho([1, 2, 2, 3], [1, 3, 2, 3])).toBeCloseTo(3.75 / 4.5, 12);
    // A pair tied in both counts in both tie terms: x = [1, 1, 2, 2], y = [1, 1, 2, 3] → 4 concordant, ties 2 and 1.
    expect(kendallTauB([1, 1, 2, 2], [1, 1, 2, 3])).toBeCloseTo(4 / Math.sqrt(4 * 5), 12);
    expect(kendallTauB([1, 1, 2, 2], [1, 2, 1, 2])).toBe(0);
  });

  it('returns null when a sample is constant or too short, and refuses unpaired or non-finite samples', () => {
    expect(spearmanRho([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(kendallTauB([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(kendallTauB([1], [2])).toBeNull();
    expect(() => spearmanRho([1, 2], [1])).toThrow(/same length, but got 2 and 1/);
    expect(() => kendallTauB([1, NaN], [1, 2])).toThrow(/finite/);
  });
});
