// Runs the built `cosearch train` as a child process on a tiny real image-folder dataset (384 generated PNGs):
// JSON and human output, the --max-minutes budget, and the errors a user meets first.
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImageSetAsPng } from '../../engine/data/fixtures.js';
import { conv, dense, tinyCandidate, tinyInput } from '../../engine/candidates.js';
import { colourDataset } from '../../engine/colourData.js';

const main = join(process.cwd(), 'dist/src/cli/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI and resolves with its exit code and output, whether it succeeded or not. */
const cosearch = (args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile('node', [main, ...args], { env: { ...process.env, COSEARCH_BACKEND: '' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });

interface TrainJson {
  accuracy: number;
  testAccuracy?: number;
  epochs: number;
  plannedEpochs: number;
  stopReason: string;
  backend: string;
  kernels: string;
  trainImages: number;
  validationImages: number;
  trainSeconds: number;
  cpuSeconds: number;
  imagesPerSec: number;
  imagesPerCpuSec: number;
  wallSeconds: number;
  processCpuSeconds: number;
  history: { epoch: number; loss: number; valAccuracy?: number; learningRate: number }[];
}

let root = '';
let data = '';
let candidate = '';
// adam at 0.01 learns the colour signal in two epochs (as in test/engine/trainer.test.ts)
const common = (): string[] => [
  '--data',
  data,
  '--data-dir',
  join(root, 'cache'),
  '--backend',
  'wasm',
  '--batch-size',
  '16',
  '--optimizer',
  'adam',
  '--lr',
  '0.01',
  '--seed',
  '3',
];

beforeAll(async () => {
  root = await tempDir();
  data = join(root, 'images');
  await writeImageSetAsPng(data, 'train', colourDataset.train, colourDataset.classes);
  await writeImageSetAsPng(data, 'test', colourDataset.test, colourDataset.classes);
  candidate = join(root, 'tiny.json');
  await writeFile(candidate, JSON.stringify(tinyCandidate));
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('cosearch train', () => {
  it('prints one JSON object with quantized accuracies, falling loss, timings and the backend', async () => {
    const run = await cosearch(['train', '--candidate', candidate, ...common(), '--epochs', '2', '--json']);
    expect(run.stderr).not.toMatch(/BAD_USER_INPUT|INTERNAL/);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as TrainJson;
    expect(json).toMatchObject({
      epochs: 2,
      plannedEpochs: 2,
      stopReason: 'epochs',
      backend: expect.stringMatching(/^wasm(\+blas)?$/),
      trainImages: 288,
      validationImages: 32,
      kernels: expect.stringMatching(/^wasm(\+blas)?$/),
    });
    expect(json.backend).toBe(json.kernels);
    for (const acc of [json.accuracy, json.testAccuracy]) {
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
    expect(json.accuracy).toBeGreaterThan(0.7);
    expect(json.testAccuracy).toBeGreaterThan(0.7);
    expect(json.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(json.history[1]!.loss).toBeLessThan(json.history[0]!.loss);
    expect(json.trainSeconds).toBeGreaterThan(0);
    expect(json.cpuSeconds).toBeGreaterThan(0);
    expect(json.imagesPerSec).toBeCloseTo((2 * 288) / json.trainSeconds, 3);
    expect(json.imagesPerCpuSec).toBeCloseTo((2 * 288) / json.cpuSeconds, 3);
    expect(json.wallSeconds).toBeGreaterThanOrEqual(json.trainSeconds);
    expect(json.processCpuSeconds).toBeGreaterThanOrEqual(json.cpuSeconds);
  });

  it('draws progress on stderr and prints the accuracy lines on stdout, reading the cache on a second run', async () => {
    await cosearch(['dataset', 'prepare', '--data', data, '--data-dir', join(root, 'cache')]);
    const run = await cosearch(['train', '--candidate', candidate, ...common(), '--epochs', '2']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/backend wasm; dataset 320 train \/ 64 test images \(cached\)/);
    expect(run.stderr).toMatch(/^epoch 1: loss \d+\.\d+, train \d+\.\d+ %, val \d+\.\d+ %, [\d.]+ img\/s, lr /m);
    expect(run.stderr).toMatch(/^epoch 2: /m);
    expect(run.stdout).toMatch(/^quantized validation accuracy \d+\.\d\d %, test accuracy \d+\.\d\d %$/m);
    expect(run.stdout).toMatch(
      /^2 epochs on 288 images in [\d.]+ s wall, [\d.]+ s CPU, [\d.]+ img\/s \(backend wasm(\+blas)?\)$/m,
    );
    expect(run.stdout).not.toMatch(/epoch 1:/);
  });

  it('stops after the first epoch when --max-minutes runs out, keeps the 3-epoch lr schedule and still reports test accuracy', async () => {
    const run = await cosearch([
      'train',
      '--candidate',
      candidate,
      ...common(),
      '--epochs',
      '3',
      '--max-minutes',
      '0.0001',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as TrainJson;
    expect(json).toMatchObject({ epochs: 1, plannedEpochs: 3, stopReason: 'time' });
    expect(json.history).toHaveLength(1);
    expect(json.testAccuracy).toBeGreaterThanOrEqual(0);
    // cosine over 3 × 18 steps, read at step 17: well above 0, where a 1-epoch schedule would end
    expect(json.history[0]!.learningRate).toBeCloseTo(0.01 * 0.5 * (1 + Math.cos((Math.PI * 17) / 54)), 9);
  });

  it('exits with code 2 naming --candidate and the path when the candidate file is missing', async () => {
    const missing = join(root, 'nope.json');
    const run = await cosearch(['train', '--candidate', missing, '--data', data]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `BAD_USER_INPUT: expected --candidate to name a candidate JSON file, but cannot read '${missing}' (no such file)`,
    );
    expect(run.stderr).toContain('examples/candidates/');
    expect(run.stdout).toBe('');
  });

  it('exits with code 2 naming the file and the bad field when the candidate has invalid bits', async () => {
    const bad = join(root, 'bad-bits.json');
    await writeFile(bad, JSON.stringify({ input: tinyInput, layers: [conv(4, { weightBits: 0 }), dense(2)] }));
    const run = await cosearch(['train', '--candidate', bad, '--data', data]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /BAD_USER_INPUT: the candidate file '.*bad-bits\.json' is not a valid candidate: .*layers\[0\]\.weightBits: expects an integer from 1 to 16, but got 0/,
    );
  });

  it('exits with code 2 naming --data and the path when the dataset does not exist', async () => {
    const run = await cosearch([
      'train',
      '--candidate',
      candidate,
      '--data',
      join(root, 'no-such-data'),
      '--backend',
      'cpu',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `BAD_USER_INPUT: expected --data to name a directory or a .tar.gz archive, but got '${join(root, 'no-such-data')}' (no such path)`,
    );
  });

  it('warms the learning rate up over --warmup-epochs and trains without augmentation under --no-augment', async () => {
    const run = await cosearch([
      'train',
      '--candidate',
      candidate,
      ...common(),
      '--epochs',
      '3',
      '--warmup-epochs',
      '1',
      '--no-augment',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as TrainJson;
    // 18 steps per epoch: the first epoch's last step is the last warm-up step (base rate), then cosine over 36 steps.
    expect(json.history[0]!.learningRate).toBeCloseTo(0.01, 9);
    expect(json.history[1]!.learningRate).toBeCloseTo(0.01 * 0.5 * (1 + Math.cos((Math.PI * 17) / 36)), 9);
    const bad = await cosearch([
      'train',
      '--candidate',
      candidate,
      ...common(),
      '--epochs',
      '2',
      '--warmup-epochs',
      '2',
    ]);
    expect(bad).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected warmupEpochs to be a number of epochs ≥ 0 and below epochs, but got 2'),
    });
  });

  it('trains on the whole training split under --validation-split 0 and smooths the targets under --label-smoothing', async () => {
    const fullSplit = ['train', '--candidate', candidate, ...common(), '--validation-split', '0'];
    const [plain, smoothed, human] = await Promise.all([
      cosearch([...fullSplit, '--epochs', '2', '--json']),
      cosearch([...fullSplit, '--epochs', '2', '--label-smoothing', '0.3', '--json']),
      cosearch([...fullSplit, '--epochs', '1']),
    ]);
    expect(plain.code).toBe(0);
    const a = JSON.parse(plain.stdout) as TrainJson;
    const b = JSON.parse(smoothed.stdout) as TrainJson;
    expect(a).toMatchObject({ trainImages: 320, validationImages: 0 });
    expect(a.history.every((h) => h.valAccuracy === undefined)).toBe(true);
    expect(a.testAccuracy).toBeGreaterThan(0.7);
    // smoothed targets keep the cross-entropy above their own entropy, so the same seed ends with a higher loss
    expect(b.history[1]!.loss).toBeGreaterThan(a.history[1]!.loss + 0.05);
    expect(b.testAccuracy).toBeGreaterThan(0.7);
    expect(human.stdout).toMatch(
      /^quantized validation accuracy - \(no validation split\), test accuracy \d+\.\d\d %$/m,
    );
    const [split, smoothing] = await Promise.all([
      cosearch(['train', '--candidate', candidate, ...common(), '--validation-split', '1']),
      cosearch(['train', '--candidate', candidate, ...common(), '--label-smoothing', '-0.1']),
    ]);
    expect(split).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'expected --validation-split to be a fraction in [0, 1), e.g. 0.1 or 0, but got 1',
      ),
    });
    expect(smoothing).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected --label-smoothing to be a number in [0, 1), e.g. 0.1, but got -0.1'),
    });
  });

  it('exits with code 2 for a non-positive --epochs or --max-minutes and for a candidate with the wrong class count', async () => {
    const wrong = join(root, 'ten-classes.json');
    await writeFile(wrong, JSON.stringify({ input: tinyInput, layers: [conv(4), dense(10)] }));
    const [epochs, minutes, classes] = await Promise.all([
      cosearch(['train', '--candidate', candidate, ...common(), '--epochs', '0']),
      cosearch(['train', '--candidate', candidate, ...common(), '--max-minutes', '-1']),
      cosearch(['train', '--candidate', wrong, ...common()]),
    ]);
    expect(epochs).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected --epochs to be a whole number ≥ 1, but got 0'),
    });
    expect(minutes).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected --max-minutes to be a number of minutes > 0, but got -1'),
    });
    expect(classes).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("expected the candidate's last dense layer to have 2 units"),
    });
  });
});
