// The final recipe side by side (`npm run bench -- final-recipe [epochs=20] [files|examples] [augment-check|no-augment-check]`):
// trains each candidate (the feasible examples/candidates under 30k LUTs / 1,293 img/s, or the candidate files
// given, relative to the repo root, e.g. a search's best design) with the same recipe and seed on the whole training split, tests on the
// 10,000 test images, and measures img/s with and without augmentation in alternating runs.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, selectBackend, trainCandidate, type Dataset, type TrainOptions } from '../src/engine/index.js';
import { parseExperimentConfig } from '../src/search/config.js';
import { feasibleExtras } from '../src/search/panel.js';
import type { Candidate } from '../src/space/candidate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const datasetPath =
  process.env.COSEARCH_BENCH_DATA ?? resolve(repoRoot, '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz');

/** The final recipe: what `finalTraining` of examples/paper-30k.json and `cosearch train` below both run. */
const recipe = (epochs: number): TrainOptions => ({
  epochs,
  batchSize: 64,
  optimizer: 'momentum',
  learningRate: 0.01,
  lrSchedule: 'cosine',
  warmupEpochs: 1,
  weightDecay: 5e-4,
  augment: true,
  seed: 0,
  validationFraction: 0.1,
  evaluateTest: true,
});

const readCandidate = (path: string): { name: string; candidate: Candidate } => ({
  name: basename(path).replace(/\.json$/, ''),
  candidate: JSON.parse(readFileSync(path, 'utf8')) as Candidate,
});

/** img/s of one epoch on 5,000 images with and without augmentation, alternating A B A B so load drifts hit both. */
const augmentationCost = async (candidate: Candidate, dataset: Dataset): Promise<Record<string, unknown>> => {
  const runs: Array<{ augment: boolean; imagesPerSec: number }> = [];
  for (const augment of [true, false, true, false]) {
    const r = await trainCandidate(candidate, dataset, {
      epochs: 1,
      subset: 5000,
      validationSubset: 500,
      augment,
      seed: 0,
    });
    runs.push({ augment, imagesPerSec: r.imagesPerSec });
  }
  const mean = (on: boolean) => runs.filter((r) => r.augment === on).reduce((a, r) => a + r.imagesPerSec, 0) / 2;
  return { runs, withAugmentation: mean(true), withoutAugmentation: mean(false), ratio: mean(true) / mean(false) };
};

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const epochs = Number(args[0] ?? 20);
  const files = args[1] === undefined || args[1] === 'examples' ? [] : args[1].split(',');
  const checkAugmentation = (args[2] ?? 'augment-check') !== 'no-augment-check';
  const backend = await selectBackend();
  const { dataset } = await loadDataset(datasetPath);
  const config = parseExperimentConfig({ device: { preset: '30k', maxLuts: 30000, minFps: 1293 } });
  const dir = join(repoRoot, 'examples', 'candidates');
  const examples = feasibleExtras(
    config,
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => readCandidate(join(dir, f))),
  );
  // Named files replace the examples (so a slow one, e.g. finn-cnv-w1a1, can be left out); infeasible ones are dropped.
  const designs =
    files.length === 0
      ? examples
      : feasibleExtras(
          config,
          files.map((f) => readCandidate(resolve(repoRoot, f))),
        );
  const augmentation = checkAugmentation
    ? await augmentationCost(designs[0]?.candidate ?? examples[0]!.candidate, dataset)
    : undefined;
  const rows = [];
  for (const d of designs) {
    const r = await trainCandidate(d.candidate, dataset, recipe(epochs));
    const row = {
      name: d.name,
      luts: Math.round(d.luts),
      throughputFps: Math.round(d.throughputFps),
      validationAccuracy: r.accuracy,
      testAccuracy: r.testAccuracy,
      epochs: r.epochs,
      trainImages: r.trainImages,
      trainSeconds: r.trainSeconds,
      imagesPerSec: r.imagesPerSec,
      loadAverage: os.loadavg(),
    };
    console.error(`${d.name}: test ${((r.testAccuracy ?? 0) * 100).toFixed(2)} % in ${r.trainSeconds.toFixed(0)} s`);
    rows.push(row);
  }
  const { evaluateTest: _e, ...shown } = recipe(epochs);
  return {
    command: `npm run bench -- final-recipe ${epochs} ${files.length === 0 ? 'examples' : files.join(',')}${checkAugmentation ? '' : ' no-augment-check'}`,
    dataset:
      'CIFAR-10 (JPEG q75): 45,000 training images (seeded 90/10 split), validation on the 5,000 held out, test on the 10,000 test images',
    recipe: shown,
    device: { preset: '30k', maxLuts: 30000, minFps: 1293 },
    backend,
    augmentation,
    rows,
  };
};
