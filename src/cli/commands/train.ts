// `cosearch train`: trains one candidate JSON with quantization-aware training on a local dataset, with a
// progress bar, and prints the quantized validation and test accuracy.
import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { CommandModule } from 'yargs';
import { defaultDataDir, loadDataset, selectBackend, trainCandidate, type BackendName, type EpochProgress, type LrSchedule, type OptimizerName } from '../../engine/index.js';
import { validateCandidate } from '../../space/index.js';

interface TrainArgs {
  candidate: string;
  data: string;
  dataDir?: string;
  epochs?: number;
  batchSize?: number;
  subset?: number;
  optimizer?: string;
  lr?: number;
  schedule?: string;
  weightDecay?: number;
  seed?: number;
  proxy?: boolean;
  backend?: string;
  json?: boolean;
}

const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 100).toFixed(2)} %`);

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train one candidate with quantization-aware training and print its quantized val/test accuracy',
  builder: (yargs) =>
    yargs
      .option('candidate', { type: 'string', demandOption: true, describe: 'candidate JSON file' })
      .option('data', { type: 'string', demandOption: true, describe: 'dataset directory or .tar.gz (CIFAR-10 binary or image folders)' })
      .option('data-dir', { type: 'string', describe: 'cache directory (default COSEARCH_DATA_DIR or ./data)' })
      .option('epochs', { type: 'number', describe: 'epochs (default 10, proxy 2)' })
      .option('batch-size', { type: 'number', describe: 'batch size (default 64)' })
      .option('subset', { type: 'number', describe: 'train on this many images only' })
      .option('optimizer', { type: 'string', choices: ['sgd', 'momentum', 'adam'], describe: 'default momentum' })
      .option('lr', { type: 'number', describe: 'base learning rate (default sgd 0.05, momentum 0.01, adam 0.002)' })
      .option('schedule', { type: 'string', choices: ['constant', 'cosine', 'step'], describe: 'learning-rate schedule (default cosine)' })
      .option('weight-decay', { type: 'number', describe: 'L2 penalty (default 5e-4)' })
      .option('seed', { type: 'number', default: 0 })
      .option('proxy', { type: 'boolean', default: false, describe: 'proxy mode: 5,000-image subset, 2 epochs unless given' })
      .option('backend', { type: 'string', choices: ['node', 'wasm', 'cpu'], describe: 'force a tfjs backend (default COSEARCH_BACKEND or automatic)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    try {
      const candidate = validateCandidate(JSON.parse(await readFile(args.candidate, 'utf8')) as unknown);
      const backend = await selectBackend(args.backend ? { backend: args.backend as BackendName } : {});
      const { dataset, fromCache } = await loadDataset(args.data, { dataDir: args.dataDir ?? defaultDataDir() });
      if (!args.json) console.error(`backend ${backend}; dataset ${dataset.train.count} train / ${dataset.test.count} test images${fromCache ? ' (cached)' : ''}`);
      const bar = new SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss}', stream: process.stderr, hideCursor: true });
      let started = false;
      const history: EpochProgress[] = [];
      const result = await trainCandidate(candidate, dataset, {
        seed: args.seed ?? 0,
        evaluateTest: true,
        proxy: args.proxy === true,
        ...(args.epochs === undefined ? {} : { epochs: args.epochs }),
        ...(args.batchSize === undefined ? {} : { batchSize: args.batchSize }),
        ...(args.subset === undefined ? {} : { subset: args.subset }),
        ...(args.optimizer === undefined ? {} : { optimizer: args.optimizer as OptimizerName }),
        ...(args.lr === undefined ? {} : { learningRate: args.lr }),
        ...(args.schedule === undefined ? {} : { lrSchedule: args.schedule as LrSchedule }),
        ...(args.weightDecay === undefined ? {} : { weightDecay: args.weightDecay }),
        onBatch: ({ epoch, batch, batches, loss }) => {
          if (!started) bar.start(batches, 0, { epoch, loss: '-' });
          started = true;
          if (batch === 1) bar.setTotal(batches);
          bar.update(batch, { epoch, loss: loss.toFixed(3) });
        },
        onEpoch: (p) => {
          history.push(p);
          bar.stop();
          started = false;
          console.error(`epoch ${p.epoch}: loss ${p.loss.toFixed(4)}, train ${pct(p.trainAccuracy)}, val ${pct(p.valAccuracy)}, ${p.imagesPerSec.toFixed(1)} img/s`);
        },
      });
      bar.stop();
      if (args.json) console.log(JSON.stringify(result, null, 2));
      else {
        console.log(`quantized validation accuracy ${pct(result.accuracy)}, test accuracy ${pct(result.testAccuracy)}`);
        console.log(`${result.epochs} epochs on ${result.trainImages} images in ${result.trainSeconds.toFixed(1)} s (backend ${result.backend})`);
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      console.error(`${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = code === 'BAD_USER_INPUT' ? 2 : 1;
    }
  },
};
