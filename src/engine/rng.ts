// Seeded randomness for the engine (splits, shuffles, augmentation, init seeds). The generator itself is the
// space module's mulberry32 (`createRng`), so the engine and the search share one implementation.
import { createRng, type Rng } from '../space/index.js';

export { createRng };
export type { Rng };

/** Fisher–Yates shuffle of `0..n-1` with the given generator. */
export function shuffledIndices(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = tmp;
  }
  return order;
}
