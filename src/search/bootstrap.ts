// A percentile bootstrap interval of a paired statistic (ρ, τ): how far a fidelity study's correlation could move
// with another panel of the same size. Seeded, so the same table prints the same interval.
import { createRng } from './deps.js';

export interface BootstrapOptions {
  /** @default 1000 */
  resamples?: number;
  /** Central coverage of the interval. @default 0.9 */
  level?: number;
  /** @default 1 */
  seed?: number;
}

/**
 * Resamples the n pairs with replacement `resamples` times and returns the (1 − level)/2 and (1 + level)/2
 * quantiles of the statistic over the resamples where it is defined (a constant resample gives null and is
 * skipped). Null below 3 pairs or when fewer than half the resamples are defined.
 */
export const bootstrapInterval = (
  x: readonly number[],
  y: readonly number[],
  statistic: (x: readonly number[], y: readonly number[]) => number | null,
  options: BootstrapOptions = {},
): [number, number] | null => {
  const n = x.length;
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.9;
  if (n < 3 || y.length !== n) return null;
  const rng = createRng(options.seed ?? 1);
  const values: number[] = [];
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = rng.nextInt(n);
      bx[i] = x[k] ?? 0;
      by[i] = y[k] ?? 0;
    }
    const value = statistic(bx, by);
    if (value !== null) values.push(value);
  }
  if (values.length < resamples / 2) return null;
  values.sort((a, b) => a - b);
  const at = (q: number): number =>
    values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] ?? NaN;
  return [at((1 - level) / 2), at((1 + level) / 2)];
};
