// Worker utilisation of the search loop (`npm run bench -- pipeline [config=examples/paper-30k-wide.json]
// [timeScale=0.05] [imagesPerSec=310] [seeds=1,2] [episodesAhead=0,1]`): the config's search (no final training) on a
// temp SQLite file, with its real space, hardware model, controller and rungs, dispatched to 2 in-process workers
// whose trainings are the accuracy oracle held for the time a real run of that many images takes on one core here
// (images / imagesPerSec + 1 s, measured on paper30k-wide: proxies 300, rungs 310-320 img/s), scaled by timeScale.
// The wall-time budget is scaled the same way. It measures scheduling only: how busy the 2 workers are and how
// many trainings fit in the budget, for each episodesAhead (the config's own is replaced). The oracle's accuracy is
// not a result here.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asJobTrainer } from '../src/cli/commands/worker.js';
import {
  createHardwareEvaluator,
  createOracleTrainer,
  runExperiment,
  startExperiment,
  type CandidateTrainer,
} from '../src/search/index.js';
import { createEventStore, type RecordedEvent } from '../src/store/index.js';
import { createStoreDispatcher, runWorker } from '../src/workers/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The oracle, held for the scaled time a real training of as many images takes. */
const heldOracle = (proxyImages: number, imagesPerSec: number, timeScale: number): CandidateTrainer => {
  const oracle = createOracleTrainer({ trainImages: proxyImages });
  return {
    ...oracle,
    train: async (candidate, options, onEpoch) => {
      const images = (options.subset ?? proxyImages) * options.epochs;
      await sleep((images / imagesPerSec + 1) * 1000 * timeScale);
      return oracle.train(candidate, options, onEpoch);
    },
  };
};

interface Row {
  seed: number;
  episodesAhead: number;
  wallSeconds: number;
  proposed: number;
  proxyTrainings: number;
  rungTrainings: number;
  /** Seconds of training (unscaled: as on the real machine) per worker-second of the budget. */
  workerUtilization: number;
  /** Share of the search's wall time with 0, 1 and 2 trainings out with the workers. */
  inFlightShare: [number, number, number];
  policyUpdates: number;
}

const measure = (log: readonly RecordedEvent[], wallMs: number): Pick<Row, 'inFlightShare' | 'workerUtilization'> => {
  const time = (e: RecordedEvent): number => Date.parse(e.metadata.recordedAt);
  const first = log[0] === undefined ? 0 : time(log[0]);
  const spans: number[] = [0, 0, 0];
  let out = 0;
  let last = first;
  for (const e of log) {
    const t = time(e);
    spans[Math.min(out, 2)] = (spans[Math.min(out, 2)] ?? 0) + (t - last);
    last = t;
    if (e.type === 'TrainingRequested') out++;
    if (e.type === 'CandidateTrained' || e.type === 'TrainingFailed') out = Math.max(0, out - 1);
  }
  const total = Math.max(last - first, 1);
  const busy = (spans[1] ?? 0) + 2 * (spans[2] ?? 0);
  return {
    inFlightShare: spans.map((s) => Number((s / total).toFixed(3))) as [number, number, number],
    workerUtilization: Number((busy / (2 * Math.max(wallMs, 1))).toFixed(3)),
  };
};

const runOne = async (
  base: Record<string, unknown>,
  seed: number,
  episodesAhead: number,
  timeScale: number,
  imagesPerSec: number,
): Promise<Row> => {
  const url = `sqlite:${join(mkdtempSync(join(os.tmpdir(), 'cosearch-bench-pipeline-')), 'events.db')}`;
  const store = await createEventStore(url);
  const { episodesAhead: _configured, ...rest } = base;
  const budget = rest['budget'] as { maxWallSeconds?: number };
  const config = {
    ...rest,
    seed,
    finalTraining: { topK: 0 },
    budget: { ...budget, maxWallSeconds: (budget.maxWallSeconds ?? 600) * timeScale },
    dispatch: 'workers',
    ...(episodesAhead > 0 ? { episodesAhead } : {}),
  };
  const experimentId = `pipeline-s${seed}-a${episodesAhead}`;
  const { config: parsed } = await startExperiment(store, config, { experimentId });
  const proxyImages = Math.round((parsed.dataset.subset ?? 45_000) * (1 - parsed.dataset.validationSplit));
  const stop = new AbortController();
  const workers = [0, 1].map((k) =>
    runWorker({
      store,
      workerId: `sim-${k}`,
      signal: stop.signal,
      trainerFor: () => Promise.resolve(asJobTrainer(heldOracle(proxyImages, imagesPerSec, timeScale))),
    }),
  );
  const dispatcher = createStoreDispatcher(store, { pollMs: 20 });
  const started = Date.now();
  const summary = await runExperiment({ store, experimentId, hardware: createHardwareEvaluator, dispatcher });
  const wallMs = Date.now() - started;
  stop.abort();
  await Promise.all(workers);
  await dispatcher.close();
  const log = await store.readStream(`experiment-${experimentId}`);
  await store.close();
  const requests = log.filter((e) => e.type === 'TrainingRequested');
  const rung = requests.filter((e) => String((e.data as { kind?: string }).kind).startsWith('rung')).length;
  return {
    seed,
    episodesAhead,
    wallSeconds: Number((wallMs / 1000 / timeScale).toFixed(0)),
    proposed: summary.proposed,
    proxyTrainings: requests.length - rung,
    rungTrainings: rung,
    policyUpdates: log.filter((e) => e.type === 'PolicyUpdated').length,
    ...measure(log, wallMs),
  };
};

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const configPath = resolve(repoRoot, args[0] ?? 'examples/paper-30k-wide.json');
  const timeScale = Number(args[1] ?? 0.05);
  const imagesPerSec = Number(args[2] ?? 310);
  const seeds = (args[3] ?? '1,2').split(',').map(Number);
  const aheads = (args[4] ?? '0,1').split(',').map(Number);
  const base = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const rows: Row[] = [];
  for (const seed of seeds) {
    for (const ahead of aheads) {
      const row = await runOne(base, seed, ahead, timeScale, imagesPerSec);
      console.error(JSON.stringify(row));
      rows.push(row);
    }
  }
  const mean = (ahead: number, pick: (r: Row) => number): number => {
    const of = rows.filter((r) => r.episodesAhead === ahead);
    return Number((of.reduce((s, r) => s + pick(r), 0) / Math.max(of.length, 1)).toFixed(3));
  };
  return {
    command: `npm run bench -- pipeline ${args.join(' ')}`.trim(),
    what:
      'scheduling only: the search of the config (real space, hardware model, controller, rungs) on 2 in-process workers ' +
      'whose trainings are the oracle held for images / imagesPerSec + 1 s (scaled); times below are unscaled',
    config: configPath.slice(repoRoot.length + 1),
    timeScale,
    imagesPerSec,
    loadAverage: os.loadavg(),
    rows,
    means: Object.fromEntries(
      aheads.map((a) => [
        `episodesAhead ${a}`,
        {
          workerUtilization: mean(a, (r) => r.workerUtilization),
          proxyTrainings: mean(a, (r) => r.proxyTrainings),
          rungTrainings: mean(a, (r) => r.rungTrainings),
          proposed: mean(a, (r) => r.proposed),
        },
      ]),
    ),
  };
};
