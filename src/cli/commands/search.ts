// `cosearch search --config exp.json [--store URL] [--data DIR] [--oracle] [--json] [--experiment-id ID] [--dispatch local|workers]
// [--workers N]`: runs one search headless (or resumes it when the id already has a log), with a progress bar and a summary;
// with dispatch 'workers' it starts N local `cosearch worker` processes, and remote workers on the store join them.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import {
  accuracyOf,
  bestOf,
  createEngineTrainer,
  createHardwareEvaluator,
  createOracleTrainer,
  countsOf,
  dispatchOf,
  parseExperimentConfig,
  runExperiment,
  startExperiment,
  withDefaultDispatch,
  type SearchSummary,
} from '../../search/index.js';
import { createEventStore, defaultStoreUrl } from '../../store/index.js';
import { createStoreDispatcher, startLocalWorkers, type LocalWorkers } from '../../workers/index.js';
import { isVerbose, reportFailure } from '../failure.js';

interface SearchArgs {
  config: string;
  store?: string;
  data?: string;
  oracle?: boolean;
  json?: boolean;
  experimentId?: string;
  workers?: number;
  dispatch?: 'local' | 'workers';
}

const printSummary = (s: SearchSummary, wallSeconds: number): void => {
  console.log(`experiment ${s.experimentId}: ${s.status} (${s.controller}) in ${wallSeconds.toFixed(1)} s`);
  if (s.failure !== null) console.log(`reason: ${s.failure.code}: ${s.failure.message}`);
  console.log(`candidates: ${s.proposed} proposed, ${s.pruned} pruned by the hardware model, ${s.trained} trained`);
  if (s.best === null) {
    console.log(
      'best feasible candidate: none (no feasible design was trained; loosen the budget or raise budget.maxCandidates)',
    );
    return;
  }
  console.log(`best feasible candidate: ${s.best.candidateId} (#${s.best.index})`);
  const score =
    s.zeroCost === undefined
      ? `accuracy ${(s.best.accuracy * 100).toFixed(2)} %`
      : `${s.zeroCost} score ${s.best.accuracy.toFixed(2)} (not an accuracy)`;
  console.log(`  ${score}, ${Math.round(s.best.luts)} LUTs, ${s.best.throughputFps.toFixed(1)} img/s`);
  if (s.paretoFront.length > 1) console.log(`pareto front (accuracy, LUTs, img/s): ${s.paretoFront.length} candidates`);
};

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: 'search',
  describe: 'run a hardware-aware architecture search from an experiment config (resumable: same --experiment-id)',
  builder: (yargs) =>
    yargs
      .option('config', {
        type: 'string',
        demandOption: true,
        describe: 'experiment config JSON (see examples/quick.json)',
      })
      .option('store', {
        type: 'string',
        describe: 'event store URL (default $COSEARCH_STORE or sqlite:<data dir>/cosearch.db)',
      })
      .option('data', { type: 'string', describe: 'dataset dir or .tar.gz; overrides dataset.path of the config' })
      .option('oracle', {
        type: 'boolean',
        default: false,
        describe: 'score candidates with the accuracy oracle instead of training',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON, no progress bar' })
      .option('experiment-id', { type: 'string', describe: 'experiment id; an existing one is resumed from its log' })
      .option('dispatch', {
        choices: ['local', 'workers'] as const,
        describe:
          "who trains a new experiment: 'local' (this process) or 'workers' (default: workers, or local for --oracle)",
      })
      .option('workers', {
        type: 'number',
        describe:
          "local worker processes for dispatch 'workers' (0: only remote `cosearch worker`s; default one per core)",
      }),
  handler: async (args) => {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(args.config, 'utf8'));
    } catch (error) {
      console.error(
        `cannot read the config '${args.config}': ${error instanceof Error ? error.message : String(error)}; pass a JSON file such as examples/quick.json`,
      );
      process.exitCode = 2;
      return;
    }
    const input = { ...(raw as Record<string, unknown>) };
    if (args.oracle === true) input.training = { ...((input.training as object | undefined) ?? {}), oracle: true };
    if (args.data !== undefined) input.dataset = { ...((input.dataset as object | undefined) ?? {}), path: args.data };
    if (args.dispatch !== undefined) input.dispatch = args.dispatch;
    const workerCount = args.workers ?? Number(process.env['COSEARCH_WORKERS'] ?? availableParallelism());
    if (!Number.isInteger(workerCount) || workerCount < 0) {
      console.error(
        `expected --workers (or COSEARCH_WORKERS) to be an integer >= 0, but got ${String(args.workers ?? process.env['COSEARCH_WORKERS'])}`,
      );
      process.exitCode = 2;
      return;
    }
    const storeUrl = args.store ?? defaultStoreUrl();
    let store: Awaited<ReturnType<typeof createEventStore>>;
    try {
      store = await createEventStore(storeUrl);
    } catch (error) {
      reportFailure(error, { json: args.json === true, verbose: isVerbose() });
      return;
    }
    const abort = new AbortController();
    const onSigint = (): void => abort.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    const bar =
      args.json === true
        ? undefined
        : new cliProgress.SingleBar(
            {
              format: 'search |{bar}| {value}/{total} proposed | {pruned} pruned | {trained} trained | best {best}',
            },
            cliProgress.Presets.shades_classic,
          );
    const started = Date.now();
    let local: LocalWorkers | undefined;
    const dispatcher = createStoreDispatcher(store);
    try {
      const experimentId = args.experimentId ?? randomUUID();
      const existing = await store.readStream(`experiment-${experimentId}`, { maxCount: 1 });
      // A resumed experiment keeps the config (and the dispatch) it started with.
      // The trainer follows this command line (--oracle, --data); who trains follows the experiment's stored dispatch.
      const inputConfig = parseExperimentConfig(input);
      const config =
        existing.length === 0
          ? withDefaultDispatch(inputConfig)
          : parseExperimentConfig((existing[0]?.data as { config?: unknown }).config);
      if (existing.length === 0) await startExperiment(store, config, { experimentId, actor: 'cli' });
      const dispatched = dispatchOf(config) === 'workers';
      if (dispatched && workerCount > 0) {
        local = startLocalWorkers({
          count: 1,
          threads: workerCount,
          storeUrl,
          args: args.data === undefined ? [] : ['--data', args.data],
          onExit: (id, code, lastLines) =>
            console.error(`local worker ${id} exited (code ${String(code)}):\n  ${lastLines.slice(-5).join('\n  ')}`),
          // A worker that cannot train this experiment (no dataset on this host) says why, even without --verbose.
          onLine: (id, line) => {
            if (isVerbose() || line.includes('cannot train')) console.error(`${id}: ${line}`);
          },
        });
      } else if (dispatched) {
        console.error(
          `waiting for remote workers: run \`cosearch worker --store ${storeUrl}\` on any host that reaches the store`,
        );
      }
      const trainer = dispatched
        ? undefined
        : inputConfig.training.oracle
          ? createOracleTrainer()
          : await createEngineTrainer(inputConfig, args.data === undefined ? {} : { dataPath: args.data });
      bar?.start(config.budget.maxCandidates, 0, { pruned: 0, trained: 0, best: '-' });
      const summary = await runExperiment({
        store,
        experimentId,
        hardware: createHardwareEvaluator,
        actor: 'cli',
        signal: abort.signal,
        ...(trainer === undefined ? { dispatcher } : { trainer }),
        onProgress: (state) => {
          const counts = countsOf(state);
          const best = bestOf(state);
          const score = best === undefined ? undefined : accuracyOf(best);
          const shown =
            score === undefined
              ? '-'
              : inputConfig.training.zeroCost === undefined
                ? `${(score * 100).toFixed(1)} %`
                : score.toFixed(2);
          bar?.update(counts.proposed, { pruned: counts.pruned, trained: counts.trained, best: shown });
        },
      });
      bar?.stop();
      if (args.json === true)
        console.log(JSON.stringify({ ...summary, wallSeconds: (Date.now() - started) / 1000 }, null, 2));
      else printSummary(summary, (Date.now() - started) / 1000);
      if (summary.status === 'running')
        console.log(
          `interrupted; resume with: cosearch search --config ${args.config} --experiment-id ${experimentId}`,
        );
      process.exitCode = summary.status === 'failed' ? 1 : 0;
    } catch (error) {
      bar?.stop();
      reportFailure(error, { verbose: isVerbose() });
    } finally {
      process.off('SIGINT', onSigint);
      await local?.stop();
      await dispatcher.close();
      await store.close();
    }
  },
};
