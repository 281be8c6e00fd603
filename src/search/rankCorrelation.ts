// Rank correlations of two paired samples: Spearman's ρ (Pearson's r of average ranks) and Kendall's τ-b, both
// correct under ties. Pure; O(n log n) and O(n²), for the tens of designs of a fidelity study.

/** Average ranks (1-based): tied values share the mean of the ranks they span. */
export const averageRanks = (values: readonly number[]): number[] => {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = rank;
    start = end + 1;
  }
  return ranks;
};

const assertPaired = (x: readonly number[], y: readonly number[]): void => {
  if (x.length !== y.length)
    throw new Error(`expected two samples of the same length, but got ${x.length} and ${y.length}`);
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new Error('expected finite values in both samples');
};

/**
 * Spearman's ρ: Pearson's correlation of the average ranks. Null when fewer than 2 pairs or either sample is
 * constant (no ranking to compare).
 */
export const spearmanRho = (x: readonly number[], y: readonly number[]): number | null => {
  assertPaired(x, y);
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (rx[i] ?? 0) - mean;
    const dy = (ry[i] ?? 0) - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
};

/**
 * Kendall's τ-b: (concordant − discordant) / √((pairs − ties in x)(pairs − ties in y)); a pair tied in both counts
 * in both tie terms. Null when fewer than 2 pairs or either sample is constant.
 */
export const kendallTauB = (x: readonly number[], y: readonly number[]): number | null => {
  assertPaired(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign((x[j] ?? 0) - (x[i] ?? 0));
      const sy = Math.sign((y[j] ?? 0) - (y[i] ?? 0));
      if (sx === 0) tiesX += 1;
      if (sy === 0) tiesY += 1;
      if (sx * sy > 0) concordant += 1;
      else if (sx * sy < 0) discordant += 1;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
};
