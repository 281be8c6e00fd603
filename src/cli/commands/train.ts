// `cosearch train`: trains one candidate JSON with quantization-aware training on a local dataset, with a
// progress bar, and prints the quantized validation and test accuracy.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import type { CommandModule } from 'yargs';
import {
  defaultDataDir,
  loadDataset,
  selectBackend,
  trainCandidate,
  type BackendName,
  type LrSchedule,
  type OptimizerName,
  type TrainOptions,
  type TrainResult,
} from '../../engine/index.js';
import { CosearchError } from '../../errors.js';
import { validateCandidate, type Candidate } from '../../space/index.js';
import { isVerbose, reportFailure } from '../failure.js';

interface TrainArgs {
  candidate: string;
  data: string;
  dataDir?: string;
  epochs?: number;
  batchSize?: number;
  subset?: number;
  validationSplit?: number;
  optimizer?: string;
  lr?: number;
  schedule?: string;
  weightDecay?: number;
  labelSmoothing?: number;
  warmupEpochs?: number;
  augment?: boolean;
  maxMinutes?: number;
  seed?: number;
  proxy?: boolean;
  backend?: string;
  json?: boolean;
}

const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 100).toFixed(2)} %`);

/** Reads and validates the candidate file, with a BAD_USER_INPUT error that names the file and the fix. */
async function readCandidate(path: string): Promise<Candidate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected --candidate to name a candidate JSON file, but cannot read '${path}' (${reason}); pass e.g. --candidate examples/candidates/reference-8bit.json`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected the candidate file '${path}' to hold JSON, but it does not parse: ${(error as Error).message}`,
    );
  }
  try {
    return validateCandidate(json);
  } catch (error) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `the candidate file '${path}' is not a valid candidate: ${(error as Error).message}`,
    );
  }
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

const wholeNumber = (v: number): boolean => Number.isInteger(v) && v >= 1;
const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
/** Numeric flags, checked here so the message names the flag (the trainer checks the same options by name). */
const NUMERIC_FLAGS: [keyof TrainArgs, string, (v: number) => boolean, string][] = [
  ['epochs', '--epochs', wholeNumber, 'a whole number ≥ 1'],
  ['batchSize', '--batch-size', wholeNumber, 'a whole number ≥ 1'],
  ['subset', '--subset', wholeNumber, 'a whole number ≥ 1'],
  ['validationSplit', '--validation-split', (v) => v >= 0 && v < 1, 'a fraction in [0, 1), e.g. 0.1 or 0'],
  ['maxMinutes', '--max-minutes', positive, 'a number of minutes > 0'],
  ['lr', '--lr', positive, 'a number > 0'],
  ['weightDecay', '--weight-decay', (v) => Number.isFinite(v) && v >= 0, 'a number ≥ 0'],
  ['labelSmoothing', '--label-smoothing', (v) => v >= 0 && v < 1, 'a number in [0, 1), e.g. 0.1'],
  ['warmupEpochs', '--warmup-epochs', (v) => Number.isFinite(v) && v >= 0, 'a number of epochs ≥ 0'],
];

function assertFlags(args: TrainArgs): void {
  for (const [key, flag, ok, expected] of NUMERIC_FLAGS) {
    const value = args[key];
    if (typeof value === 'number' && !ok(value))
      throw new CosearchError('BAD_USER_INPUT', `expected ${flag} to be ${expected}, but got ${value}`);
  }
}

/** The trainer's options from the command line (final reports always include test accuracy). */
const trainOptionsFrom = (args: TrainArgs): TrainOptions => ({
  seed: args.seed ?? 0,
  evaluateTest: true,
  proxy: args.proxy === true,
  ...(args.epochs === undefined ? {} : { epochs: args.epochs }),
  ...(args.batchSize === undefined ? {} : { batchSize: args.batchSize }),
  ...(args.subset === undefined ? {} : { subset: args.subset }),
  ...(args.validationSplit === undefined ? {} : { validationFraction: args.validationSplit }),
  ...(args.optimizer === undefined ? {} : { optimizer: args.optimizer as OptimizerName }),
  ...(args.lr === undefined ? {} : { learningRate: args.lr }),
  ...(args.schedule === undefined ? {} : { lrSchedule: args.schedule as LrSchedule }),
  ...(args.weightDecay === undefined ? {} : { weightDecay: args.weightDecay }),
  ...(args.labelSmoothing === undefined ? {} : { labelSmoothing: args.labelSmoothing }),
  ...(args.warmupEpochs === undefined ? {} : { warmupEpochs: args.warmupEpochs }),
  ...(args.augment === false ? { augment: false } : {}),
  ...(args.maxMinutes === undefined ? {} : { maxMinutes: args.maxMinutes }),
});

/** Progress on stderr: a bar per epoch (drawn only on a terminal) and, unless --json, one line per epoch. */
function createProgress(json: boolean): { hooks: Pick<TrainOptions, 'onBatch' | 'onEpoch'>; stop: () => void } {
  const bar = new SingleBar({
    format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss}',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    hooks: {
      onBatch: ({ epoch, batch, batches, loss }) => {
        if (!started) bar.start(batches, 0, { epoch, loss: '-' });
        started = true;
        bar.update(batch, { epoch, loss: loss.toFixed(3) });
      },
      onEpoch: (p) => {
        bar.stop();
        started = false;
        if (!json)
          console.error(
            `epoch ${p.epoch}: loss ${p.loss.toFixed(4)}, train ${pct(p.trainAccuracy)}, val ${pct(p.valAccuracy)}, ${p.imagesPerSec.toFixed(1)} img/s, lr ${p.learningRate.toPrecision(3)}`,
          );
      },
    },
    stop: () => bar.stop(),
  };
}

function printSummary(result: TrainResult): void {
  const validation = result.validationImages > 0 ? pct(result.accuracy) : '- (no validation split)';
  console.log(`quantized validation accuracy ${validation}, test accuracy ${pct(result.testAccuracy)}`);
  const stopped =
    result.stopReason === 'time' ? ` (stopped by --max-minutes after ${result.epochs} of ${result.plannedEpochs})` : '';
  console.log(
    `${result.epochs} epochs${stopped} on ${result.trainImages} images in ${result.trainSeconds.toFixed(1)} s wall, ${result.cpuSeconds.toFixed(1)} s CPU, ${result.imagesPerSec.toFixed(1)} img/s (backend ${result.backend})`,
  );
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train one candidate with quantization-aware training and print its quantized val/test accuracy',
  builder: (yargs) =>
    yargs
      .option('candidate', { type: 'string', demandOption: true, describe: 'candidate JSON file' })
      .option('data', {
        type: 'string',
        demandOption: true,
        describe: 'dataset directory or .tar.gz (CIFAR-10 binary or image folders)',
      })
      .option('data-dir', { type: 'string', describe: 'cache directory (default COSEARCH_DATA_DIR or ./data)' })
      .option('epochs', { type: 'number', describe: 'epochs (default 10, proxy 2)' })
      .option('batch-size', { type: 'number', describe: 'batch size (default 64)' })
      .option('subset', { type: 'number', describe: 'train on this many images only' })
      .option('validation-split', {
        type: 'number',
        describe: 'fraction of the training split held out for validation (default 0.1; 0 trains on all of it)',
      })
      .option('optimizer', { type: 'string', choices: ['sgd', 'momentum', 'adam'], describe: 'default momentum' })
      .option('lr', { type: 'number', describe: 'base learning rate (default sgd 0.05, momentum 0.01, adam 0.002)' })
      .option('schedule', {
        type: 'string',
        choices: ['constant', 'cosine', 'step'],
        describe: 'learning-rate schedule (default cosine)',
      })
      .option('weight-decay', { type: 'number', describe: 'L2 penalty (default 5e-4)' })
      .option('label-smoothing', {
        type: 'number',
        describe: 'label smoothing ε of the cross-entropy targets (default 0)',
      })
      .option('warmup-epochs', {
        type: 'number',
        describe: 'epochs of linear lr warm-up before the schedule (default 0)',
      })
      .option('augment', {
        type: 'boolean',
        default: true,
        describe: 'random crop (4 px padding) and horizontal flip; --no-augment turns it off',
      })
      .option('max-minutes', {
        type: 'number',
        describe: 'wall-clock budget: stop after the epoch in which it runs out (lr schedule still spans --epochs)',
      })
      .option('seed', { type: 'number', default: 0 })
      .option('proxy', {
        type: 'boolean',
        default: false,
        describe: 'proxy mode: 5,000-image subset, 2 epochs unless given',
      })
      .option('backend', {
        type: 'string',
        choices: ['node', 'wasm', 'cpu'],
        describe: 'force a tfjs backend (default COSEARCH_BACKEND or automatic)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    try {
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      assertFlags(args);
      const candidate = await readCandidate(args.candidate);
      const backend = await selectBackend(args.backend ? { backend: args.backend as BackendName } : {});
      const {
        dataset,
        fromCache,
        seconds: loadSeconds,
      } = await loadDataset(args.data, { dataDir: args.dataDir ?? defaultDataDir() });
      if (!args.json)
        console.error(
          `backend ${backend}; dataset ${dataset.train.count} train / ${dataset.test.count} test images${fromCache ? ' (cached)' : ''}`,
        );
      const progress = createProgress(args.json === true);
      const result = await trainCandidate(candidate, dataset, { ...trainOptionsFrom(args), ...progress.hooks });
      progress.stop();
      const cpu = process.cpuUsage(cpuStart);
      const summary = {
        ...result,
        // Same as `backend` ('wasm+blas' when the optional OpenBLAS convolution kernels ran, docs/engine-kernels.md);
        // kept for scripts written when `backend` still said 'wasm' there.
        kernels: result.backend,
        // images stepped over per CPU second: less noisy than img/s on a shared machine
        imagesPerCpuSec: (result.imagesPerSec * result.trainSeconds) / Math.max(result.cpuSeconds, 1e-9),
        loadSeconds,
        fromCache,
        // the whole command: backend start, dataset load, training and the final evaluations
        wallSeconds: seconds(performance.now() - wallStart),
        processCpuSeconds: seconds((cpu.user + cpu.system) / 1000),
      };
      if (args.json) console.log(JSON.stringify(summary, null, 2));
      else printSummary(result);
    } catch (error) {
      reportFailure(error, { verbose: isVerbose() });
    }
  },
};
