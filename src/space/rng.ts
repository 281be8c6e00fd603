// Seedable PRNG (mulberry32) whose whole state is {seed, position}, so a search can log its "rng position" in an
// event and restore the generator exactly, in O(1), on replay. Pure: no clock, no Math.random().

/** The serializable position of a generator: restoring it reproduces every later draw. */
export interface RngState {
  /** The 32-bit unsigned seed the generator started from. */
  seed: number;
  /** How many 32-bit words have been drawn since the seed. */
  position: number;
}

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). `n` must be a positive integer. */
  nextInt(n: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(values: readonly T[]): T;
  /** The current state; `createRng(state)` continues from exactly here. */
  state(): RngState;
}

const GOLDEN = 0x6d2b79f5;

/**
 * Creates a mulberry32 generator from a seed (any number; truncated to uint32) or from a saved state.
 * mulberry32's internal state advances by a constant per draw, so a position restores without replaying.
 */
export const createRng = (seedOrState: number | RngState): Rng => {
  const seed = (typeof seedOrState === 'number' ? seedOrState : seedOrState.seed) >>> 0;
  let position = typeof seedOrState === 'number' ? 0 : seedOrState.position;
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`rng position must be a non-negative safe integer, but got ${String(position)}`);
  }
  // state = seed + position·GOLDEN (mod 2^32); Math.imul gives the low 32 bits of the product exactly, and the
  // part of position above 2^32 contributes a multiple of 2^32, i.e. nothing.
  let a = (seed + Math.imul(position >>> 0, GOLDEN)) >>> 0;
  const nextUint32 = (): number => {
    a = (a + GOLDEN) >>> 0;
    position += 1;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  const nextInt = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`nextInt expects a positive integer, but got ${String(n)}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    nextInt,
    pick: <T>(values: readonly T[]): T => {
      const value = values[nextInt(values.length)];
      if (value === undefined) throw new RangeError('pick expects a non-empty list');
      return value;
    },
    state: () => ({ seed, position }),
  };
};
