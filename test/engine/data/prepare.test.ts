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

  it('normalizes the kept training images to mean 0 and std 1 in every channel', () => {
    const rng = createRng(7);
    const images = Uint8Array.from({ length: 50 * 48 }, (_, i) => (i % 3 === 0 ? 200 : i % 3 === 1 ? 50 : 0) + rng.nextInt(50));
    const ds: Dataset = { ...dataset, train: { images, labels: new Uint8Array(50), count: 50, height: 4, width: 4, channels: 3 } };
    const p = prepareData(ds, { validationFraction: 0.2 });
    const batch = fillBatch(p.train, Array.from({ length: p.train.count }, (_, i) => i), 0, p.train.count, p.normalization);
    for (let c = 0; c < 3; c++) {
      const values = batch.x.filter((_, i) => i % 3 === c);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(Math.sqrt(variance)).toBeCloseTo(1, 4);
    }
  });

  it('rejects a validation fraction outside [0, 1) with BAD_USER_INPUT', () => {
    expect(() => prepareData(dataset, { validationFraction: 1 })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: 'expected validationFraction in [0, 1), but got 1' }));
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

describe('augmentation', () => {
  /** One 4x4 single-channel image whose pixel (r, c) holds 1 + 4r + c, so every shift and flip is recognisable. */
  const ramp: ImageSet = { images: Uint8Array.from({ length: 16 }, (_, i) => 1 + i), labels: new Uint8Array(1), count: 1, height: 4, width: 4, channels: 1 };
  const identity = { mean: [0], std: [1] };

  /** The image cropped at offset (dy, dx) of its zero-padded copy, optionally flipped (the documented transform). */
  const transformed = (dy: number, dx: number, flip: boolean): number[] =>
    Array.from({ length: 16 }, (_, i) => {
      const r = Math.floor(i / 4) + dy;
      const c = (flip ? 3 - (i % 4) : i % 4) + dx;
      return r < 0 || r > 3 || c < 0 || c > 3 ? 0 : 1 + 4 * r + c;
    });

  it('makes only padded crops and horizontal flips of the image, and over many draws both flips and every shift', () => {
    const candidates = new Map<string, string>();
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) for (const flip of [false, true]) candidates.set(transformed(dy, dx, flip).join(','), `${dy},${dx},${flip}`);
    }
    const rng = createRng(11);
    const seen = new Set<string>();
    for (let n = 0; n < 400; n++) {
      const { x } = fillBatch(ramp, [0], 0, 1, identity, { augment: rng, padding: 2 });
      const key = candidates.get([...x].join(','));
      expect(key).toBeDefined();
      seen.add(key ?? '');
    }
    expect(seen.size).toBe(50);
    expect([...fillBatch(ramp, [0], 0, 1, identity).x]).toEqual(transformed(0, 0, false));
  });
});
