// Tests of the seeded train/validation split, subsets, normalization and augmentation.
import { describe, expect, it } from 'vitest';
import { channelStats, fillBatch, prepareData, type Dataset, type ImageSet } from '../../../src/engine/data/index.js';
import { createRng } from '../../../src/engine/rng.js';

function set(count: number, side = 4): ImageSet {
  const images = new Uint8Array(count * side * side * 3);
  for (let n = 0; n < count; n++) images.fill(n % 256, n * side * side * 3, (n + 1) * side * side * 3);
  const labels = Uint8Array.from({ length: count }, (_, n) => n % 10);
  return { images, labels, count, height: side, width: side, channels: 3 };
}
const dataset: Dataset = { name: 't', classes: ['0'], train: set(100), test: set(20), sourceHash: 'x' };

describe('prepareData', () => {
  it('splits the same seed the same way and another seed differently, without overlap', () => {
    const a = prepareData(dataset, { seed: 1, validationFraction: 0.2 });
    const b = prepareData(dataset, { seed: 1, validationFraction: 0.2 });
    const c = prepareData(dataset, { seed: 2, validationFraction: 0.2 });
    expect(a.train.count).toBe(80);
    expect(a.validation.count).toBe(20);
    expect([...a.validation.images]).toEqual([...b.validation.images]);
    expect([...a.validation.images]).not.toEqual([...c.validation.images]);
    const ids = (s: ImageSet) => new Set(Array.from({ length: s.count }, (_, n) => s.images[n * 48]));
    const trainIds = ids(a.train);
    for (const v of ids(a.validation)) expect(trainIds.has(v)).toBe(false);
  });

  it('keeps only the requested subsets for proxy training', () => {
    const p = prepareData(dataset, { subset: 10, validationSubset: 5, testSubset: 3 });
    expect([p.train.count, p.validation.count, p.test.count]).toEqual([10, 5, 3]);
  });

  it('measures per-channel mean and std on the training images', () => {
    const stats = channelStats(set(2));
    expect(stats.mean).toEqual([0.5, 0.5, 0.5]);
    expect(stats.std[0]).toBeCloseTo(0.5);
  });
});

describe('fillBatch', () => {
  it('normalizes without augmentation and stays deterministic with a seeded augmentation', () => {
    const s = set(4);
    const norm = { mean: [1, 1, 1], std: [2, 2, 2] };
    const plain = fillBatch(s, [3, 2], 0, 2, norm);
    expect(plain.x[0]).toBe(1);
    expect([...plain.y]).toEqual([3, 2]);
    const a = fillBatch(s, [3, 2], 0, 2, norm, { augment: createRng(5), padding: 2 });
    const b = fillBatch(s, [3, 2], 0, 2, norm, { augment: createRng(5), padding: 2 });
    expect([...a.x]).toEqual([...b.x]);
    // shifted pixels read as 0 (the mean) or the image's value, nothing else
    for (const v of a.x.subarray(0, 48)) expect([0, 1]).toContain(v);
  });
});
