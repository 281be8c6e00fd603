// The engine-backed trainer of the search on a tiny real image-folder dataset (320 + 64 generated PNGs): proxy runs
// train on dataset.subset and report no test accuracy; final runs train on the whole training split (or
// finalTraining.subset) and report test accuracy; the image counts it announces are the ones it trains on.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineTrainer, parseExperimentConfig, type ExperimentConfigInput } from '../../src/search/index.js';
import { tinyCandidate } from '../engine/candidates.js';
import { colourDataset } from '../engine/colourData.js';
import { tempDir, writeImageSetAsPng } from '../engine/data/fixtures.js';

let root = '';
let data = '';

beforeAll(async () => {
  root = await tempDir();
  data = join(root, 'images');
  await writeImageSetAsPng(data, 'train', colourDataset.train, colourDataset.classes);
  await writeImageSetAsPng(data, 'test', colourDataset.test, colourDataset.classes);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const trainerFor = (overrides: Partial<ExperimentConfigInput>) =>
  createEngineTrainer(parseExperimentConfig({ dataset: { path: data, validationSplit: 0.1 }, ...overrides }), {
    dataDir: join(root, 'cache'),
  });

const run = { epochs: 1, batchSize: 16, learningRate: 0.01, seed: 3 };

describe('engine trainer of the search', () => {
  it('trains proxies on dataset.subset without a test score, and final runs on the whole split with one', async () => {
    const trainer = await trainerFor({ dataset: { path: data, subset: 64, validationSplit: 0.1 } });
    // 320 training images, 32 held out for validation: proxies use 64 of the other 288, final runs all 288.
    expect(trainer.trainImages).toBe(64);
    expect(trainer.finalTrainImages).toBe(288);
    const epochs: number[] = [];
    const proxy = await trainer.train(tinyCandidate, run, (e) => void epochs.push(e.epoch));
    expect(proxy.testAccuracy).toBeUndefined();
    expect(epochs).toEqual([1]);
    const final = await trainer.train(tinyCandidate, { ...run, final: true }, () => undefined);
    expect(final.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(final.testAccuracy).toBeLessThanOrEqual(1);
  });

  it('limits final runs to finalTraining.subset, and trains proxies on the whole split when dataset.subset is absent', async () => {
    const trainer = await trainerFor({ finalTraining: { topK: 1, epochs: 1, subset: 100 } });
    expect(trainer.trainImages).toBe(288);
    expect(trainer.finalTrainImages).toBe(100);
  });
});
