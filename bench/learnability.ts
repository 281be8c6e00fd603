// Why sampled designs did not learn (`npm run bench -- learnability [count=8] [seed=1] [epochs=2] [subset=9000] [variants=raw,rules] [examples|no-examples]`):
// trains one seeded panel of feasible designs per variant (space + proxy recipe) at the paper-30k proxy on real
// CIFAR-10, next to the feasible example candidates, and reports each design's validation accuracy and time.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, selectBackend, trainCandidate, type TrainOptions } from '../src/engine/index.js';
import { parseExperimentConfig } from '../src/search/config.js';
import { feasibleExtras, feasiblePanel, type PanelDesign } from '../src/search/panel.js';
import type { Candidate } from '../src/space/candidate.js';

/** A variant: which space the panel is drawn from, and how the proxy trains. */
interface Variant {
  space: string;
  train: Partial<TrainOptions>;
}

const VARIANTS: Record<string, Variant> = {
  raw: { space: 'qnas-auto', train: {} },
  rules: { space: 'qnas-constrained-auto', train: {} },
  'rules-noaug': { space: 'qnas-constrained-auto', train: { augment: false } },
  'rules-lr05': { space: 'qnas-constrained-auto', train: { learningRate: 0.05 } },
  'rules-lr05-noaug': { space: 'qnas-constrained-auto', train: { learningRate: 0.05, augment: false } },
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const datasetPath =
  process.env.COSEARCH_BENCH_DATA ?? resolve(repoRoot, '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz');

const exampleCandidates = (): Array<{ name: string; candidate: Candidate }> => {
  const dir = join(repoRoot, 'examples', 'candidates');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      candidate: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Candidate,
    }));
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const count = Number(args[0] ?? 8);
  const seed = Number(args[1] ?? 1);
  const epochs = Number(args[2] ?? 2);
  const subset = Number(args[3] ?? 9000);
  const names = (args[4] ?? 'raw,rules').split(',');
  const withExamples = (args[5] ?? 'examples') !== 'no-examples';
  const backend = await selectBackend();
  const { dataset } = await loadDataset(datasetPath);
  const base = { device: { preset: '30k', maxLuts: 30000, minFps: 1293 } };
  const trainOne = async (design: PanelDesign, variant: Variant) => {
    const r = await trainCandidate(design.candidate, dataset, {
      epochs,
      subset,
      validationFraction: 0.1,
      proxy: true,
      learningRate: 0.01,
      seed: 0,
      ...variant.train,
    });
    return {
      name: design.name,
      luts: Math.round(design.luts),
      throughputFps: Math.round(design.throughputFps),
      accuracy: r.accuracy,
      trainSeconds: r.trainSeconds,
      imagesPerSec: r.imagesPerSec,
      candidate: design.candidate,
    };
  };
  const variants: Record<string, unknown> = {};
  for (const name of names) {
    const variant = VARIANTS[name];
    if (variant === undefined)
      throw new Error(`expected variants among ${Object.keys(VARIANTS).join(', ')}, but got '${name}'`);
    const config = parseExperimentConfig({ ...base, space: variant.space });
    const { designs, draws } = feasiblePanel(config, { count, seed });
    const panel = [...designs, ...(withExamples ? feasibleExtras(config, exampleCandidates()) : [])];
    const rows = [];
    for (const design of panel) {
      const row = await trainOne(design, variant);
      console.error(`${name} ${row.name}: ${(row.accuracy * 100).toFixed(1)} % in ${row.trainSeconds.toFixed(0)} s`);
      rows.push(row);
    }
    const sampled = rows.filter((r) => r.name.startsWith('sample-'));
    variants[name] = {
      space: variant.space,
      train: variant.train,
      draws,
      meanSampledAccuracy: mean(sampled.map((r) => r.accuracy)),
      meanSampledSeconds: mean(sampled.map((r) => r.trainSeconds)),
      rows,
    };
  }
  return {
    command: `npm run bench -- learnability ${[count, seed, epochs, subset, names.join(','), withExamples ? 'examples' : 'no-examples'].join(' ')}`,
    dataset: 'CIFAR-10 (JPEG q75), seeded 90/10 split of the training set; validation on 1,000 held-out images',
    proxy: { epochs, trainImages: subset, learningRate: 0.01, optimizer: 'momentum', schedule: 'cosine', trainSeed: 0 },
    device: base.device,
    backend,
    loadAverage: os.loadavg(),
    variants,
  };
};
