// A self-made two-class dataset with a learnable colour signal, for real (tiny) training runs in tests.
import type { Dataset, ImageSet } from '../../src/engine/data/index.js';
import { createRng } from '../../src/engine/rng.js';

/** Class 0 leans red, class 1 leans blue, under heavy pixel noise. */
export function colourSet(count: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 192);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels[n] = label;
    for (let p = 0; p < 64; p++) {
      const noise = () => rng.nextInt(120);
      images.set(
        [noise() + (label === 0 ? 100 : 40), noise() + 60, noise() + (label === 0 ? 40 : 100)],
        n * 192 + p * 3,
      );
    }
  }
  return { images, labels, count, ...{ height: 8, width: 8, channels: 3 } };
}

export const colourDataset: Dataset = {
  name: 'colour',
  classes: ['red', 'blue'],
  train: colourSet(320, 1),
  test: colourSet(64, 2),
  sourceHash: 'c',
};
