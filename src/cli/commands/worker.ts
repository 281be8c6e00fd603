// `cosearch worker --store URL [--id ID] [--data DIR] [--threads N] [--lease-seconds S] [--max-jobs N] [--oracle-epoch-ms MS]`:
// trains the TrainingRequested jobs of every running experiment on the store, on any host that reaches it.
// Composition root of a worker: the store, the trainer per experiment (oracle or engine) and the runtime.
import { hostname } from 'node:os';
import type { CommandModule } from 'yargs';
import {
  createEngineTrainer,
  createOracleTrainer,
  parseExperimentConfig,
  trainImagesOf,
  type CandidateTrainer,
} from '../../search/index.js';
import { createEventStore, defaultStoreUrl } from '../../store/index.js';
import type { Dataset, TrainOptions as EngineTrainOptions } from '../../engine/index.js';
import { createTrainPool, runWorker, type JobTrainer, type TrainPool, type WorkerResult } from '../../workers/index.js';
import { isVerbose, reportFailure } from '../failure.js';

interface WorkerArgs {
  store?: string;
  id?: string;
  data?: string;
  'lease-seconds': number;
  'max-jobs'?: number;
  'oracle-epoch-ms': number;
  'give-up-seconds': number;
  threads: number;
}

/** The loop's trainer port seen through a job's recorded options. */
export const asJobTrainer = (trainer: CandidateTrainer): JobTrainer => ({
  backend: trainer.backend,
  trainImagesFor: (options) =>
    trainImagesOf(trainer, options.final === true, typeof options.subset === 'number' ? options.subset : undefined),
  train: (candidate, options, onEpoch) =>
    trainer.train(candidate, options as Parameters<CandidateTrainer['train']>[1], onEpoch),
});

/** `<store URL>` with `application_name=cosearch-worker-<id>` for PostgreSQL, so an operator can see (and cut) its sessions. */
const withApplicationName = (url: string, workerId: string): string => {
  if (!/^postgres(ql)?:/i.test(url)) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('application_name'))
    parsed.searchParams.set('application_name', `cosearch-worker-${workerId}`.slice(0, 63));
  return parsed.toString();
};

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe:
    'train the candidates of every running experiment on the store (claims jobs; run as many as you like, anywhere)',
  builder: (yargs) =>
    yargs
      .option('store', {
        type: 'string',
        describe:
          'event store URL shared with the search (postgres://… across machines, sqlite:FILE on one); env COSEARCH_STORE',
      })
      .option('id', { type: 'string', describe: 'worker id, unique on the store (default <host>-<pid>)' })
      .option('data', {
        type: 'string',
        describe: 'dataset dir or .tar.gz on this host; overrides dataset.path of each experiment',
      })
      .option('lease-seconds', {
        type: 'number',
        default: 30,
        describe: 'a claim without a heartbeat for this long may be taken by another worker',
      })
      .option('threads', {
        type: 'number',
        default: 1,
        describe:
          'trainings at once in this process, one thread each over one shared copy of the dataset; they claim as <id>-t1 … -tN',
      })
      .option('max-jobs', { type: 'number', describe: 'exit after reporting this many results (per thread)' })
      .option('give-up-seconds', {
        type: 'number',
        default: 60,
        describe: 'exit (code 3) when the store stays unreachable this long',
      })
      .option('oracle-epoch-ms', {
        type: 'number',
        default: 0,
        describe: 'oracle experiments only: wait this long per epoch (rehearse kills and cuts)',
      }),
  handler: async (args) => {
    const host = hostname();
    const workerId = args.id ?? `${host}-${process.pid}`;
    if (!(args['lease-seconds'] > 0)) {
      console.error(`expected --lease-seconds > 0, but got ${args['lease-seconds']}; the default is 30`);
      process.exitCode = 2;
      return;
    }
    const threads = args.threads;
    if (!Number.isInteger(threads) || threads < 1) {
      console.error(`expected --threads to be an integer >= 1, but got ${threads}; the default is 1`);
      process.exitCode = 2;
      return;
    }
    let store: Awaited<ReturnType<typeof createEventStore>>;
    try {
      store = await createEventStore(withApplicationName(args.store ?? defaultStoreUrl(), workerId));
    } catch (error) {
      reportFailure(error, { verbose: isVerbose() });
      return;
    }
    // --threads N: one pool of N training threads per dataset, shared by the N claim loops below.
    const pools = new Map<string, TrainPool>();
    const runTraining = async (
      candidate: Parameters<JobTrainer['train']>[0],
      dataset: Dataset,
      options: EngineTrainOptions,
    ) => {
      let pool = pools.get(dataset.sourceHash);
      if (pool === undefined) {
        pool = createTrainPool({ dataset, workers: threads });
        pools.set(dataset.sourceHash, pool);
      }
      const { onEpoch, onBatch: _onBatch, signal, ...rest } = options;
      return pool.train(candidate, rest, {
        ...(onEpoch === undefined ? {} : { onEpoch: (p) => void onEpoch(p) }),
        ...(signal === undefined ? {} : { signal }),
      });
    };
    // One trainer per experiment: the engine trainer loads (and caches) its dataset once.
    const trainers = new Map<string, Promise<JobTrainer>>();
    const trainerFor = (experimentId: string, raw: Record<string, unknown>): Promise<JobTrainer> => {
      let trainer = trainers.get(experimentId);
      if (trainer === undefined) {
        const config = parseExperimentConfig(raw);
        trainer = (
          config.training.oracle
            ? Promise.resolve(createOracleTrainer({ epochDelayMs: args['oracle-epoch-ms'] }))
            : createEngineTrainer(config, {
                ...(args.data === undefined ? {} : { dataPath: args.data }),
                ...(threads > 1 ? { runTraining } : {}),
              })
        ).then(asJobTrainer);
        trainers.set(experimentId, trainer);
        trainer.catch(() => trainers.delete(experimentId));
      }
      return trainer;
    };
    const abort = new AbortController();
    const onSignal = (): void => abort.abort(new Error('signal'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const ids = threads === 1 ? [workerId] : Array.from({ length: threads }, (_, k) => `${workerId}-t${k + 1}`);
      const results: WorkerResult[] = await Promise.all(
        ids.map((id) =>
          runWorker({
            store,
            workerId: id,
            host,
            trainerFor,
            leaseMs: args['lease-seconds'] * 1000,
            giveUpMs: args['give-up-seconds'] * 1000,
            signal: abort.signal,
            onLog: (line) => console.log(`[${new Date().toISOString()}]${threads === 1 ? '' : ` ${id}:`} ${line}`),
            ...(args['max-jobs'] === undefined ? {} : { maxJobs: args['max-jobs'] }),
          }),
        ),
      );
      for (const result of results)
        console.log(
          `worker ${result.workerId} stopped (${result.reason}): ${result.trained} results counted, ${result.rejected} rejected`,
        );
      process.exitCode = results.some((r) => r.reason === 'lost the store') ? 3 : 0;
    } catch (error) {
      reportFailure(error, { verbose: isVerbose() });
    } finally {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await store.close().catch(() => undefined);
    }
  },
};
