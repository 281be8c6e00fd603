// Distributed workers (`npm run bench -- workers [candidates=10] [subset=2000] [epochs=1] [latencyCandidates=200] [rounds=2]`):
// 1. throughput: the same seeded search (real tfjs training on a CIFAR-10 subset) with 1 worker, 2 worker processes,
//    and 1 process of 2 threads (`--threads 2`), on PostgreSQL, alternating, in one run; candidates per hour, ratios;
// 2. claim latency: an oracle search with 4 workers; per job, TrainingRequested → TrainingClaimed, p50 / p99.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createEventStore, type EventStore, type RecordedEvent } from '../src/store/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const datasetPath =
  process.env.COSEARCH_BENCH_DATA ?? resolve(repoRoot, '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz');
const server = process.env.COSEARCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const urlOf = (schema: string): string => {
  const u = new URL(server);
  u.searchParams.set('schema', schema);
  return u.toString();
};

interface Proc {
  proc: ChildProcess;
  exited: Promise<number | null>;
  out: string[];
}
const start = (args: string[]): Proc => {
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  proc.stdout?.on('data', (d) => out.push(String(d)));
  proc.stderr?.on('data', (d) => out.push(String(d)));
  return { proc, out, exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
};
const stop = async (procs: Proc[]): Promise<void> => {
  for (const p of procs) p.proc.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
};

const writeConfig = (config: Record<string, unknown>): string => {
  const file = join(mkdtempSync(join(os.tmpdir(), 'cosearch-bench-workers-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
};

const search = async (url: string, config: string, experimentId: string): Promise<void> => {
  const p = start([
    'search',
    '--config',
    config,
    '--store',
    url,
    '--experiment-id',
    experimentId,
    '--workers',
    '0',
    '--json',
  ]);
  const code = await p.exited;
  if (code !== 0) throw new Error(`search ${experimentId} exited ${code}: ${p.out.join('').slice(-2000)}`);
};

const readEverything = async (store: EventStore): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]?.position ?? after;
  }
};

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const at = (e: RecordedEvent | undefined): number => Date.parse(e?.metadata.recordedAt ?? '');

let runs = 0;

/**
 * One measured search with `processes` worker processes of `threads` training threads each: a warm-up experiment
 * first (dataset load, thread start), then the timed one.
 */
const throughputWith = async (
  processes: number,
  threads: number,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> => {
  runs += 1;
  const workers = processes * threads;
  const schema = `bench_workers_${processes}x${threads}_${runs}_${suffix}`;
  const url = urlOf(schema);
  const procs = Array.from({ length: processes }, (_, k) =>
    start([
      'worker',
      '--store',
      url,
      '--id',
      `bench-${processes}x${threads}-${k + 1}`,
      '--data',
      datasetPath,
      '--threads',
      String(threads),
    ]),
  );
  try {
    await search(url, writeConfig({ ...config, name: 'warm-up', budget: { maxCandidates: workers } }), 'warmup');
    await search(url, writeConfig(config), 'timed');
    const store = await createEventStore(url);
    const log = await store.readStream('experiment-timed');
    const jobs = (await readEverything(store)).filter((e) => e.streamId.startsWith('job-timed-'));
    await store.close();
    // Busy time: each job's claim to its report, per worker; utilization = busy / (workers × wall).
    const claimedAt = new Map(jobs.filter((e) => e.type === 'TrainingClaimed').map((e) => [e.streamId, at(e)]));
    const busySeconds = jobs
      .filter((e) => e.type === 'TrainingReported')
      .reduce((sum, e) => sum + (at(e) - (claimedAt.get(e.streamId) ?? at(e))) / 1000, 0);
    const trained = log.filter((e) => e.type === 'CandidateTrained');
    const wallSeconds = (at(log[log.length - 1]) - at(log[0])) / 1000;
    const trainSeconds = trained.reduce((s, e) => s + Number((e.data as { trainSeconds: number }).trainSeconds), 0);
    return {
      processes,
      threads,
      workers,
      trained: trained.length,
      wallSeconds,
      candidatesPerHour: (trained.length / wallSeconds) * 3600,
      busySeconds,
      utilization: busySeconds / (workers * wallSeconds),
      meanTrainSeconds: trainSeconds / Math.max(trained.length, 1),
      accuracies: trained.map((e) => (e.data as { accuracy: number }).accuracy),
      byWorker: Object.fromEntries(
        [...new Set(trained.map((e) => String((e.data as { workerId: string }).workerId)))].map((w) => [
          w,
          trained.filter((e) => (e.data as { workerId: string }).workerId === w).length,
        ]),
      ),
      loadAverage: os.loadavg(),
    };
  } finally {
    await stop(procs);
  }
};

const claimLatency = async (candidates: number): Promise<Record<string, unknown>> => {
  const url = urlOf(`bench_claims_${suffix}`);
  const procs = Array.from({ length: 4 }, (_, k) => start(['worker', '--store', url, '--id', `claims-${k + 1}`]));
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const config = {
      name: 'claim latency',
      seed: 1,
      space: 'quick',
      device: { preset: 'zynq7020', maxLuts: 40000, minFps: 1000 },
      controller: { kind: 'random', childrenPerEpisode: 8 },
      training: { epochs: 1, oracle: true },
      budget: { maxCandidates: candidates },
      dispatch: 'workers',
    };
    await search(url, writeConfig(config), 'claims');
    const store = await createEventStore(url);
    const events = await readEverything(store);
    await store.close();
    const requested = new Map(
      events
        .filter((e) => e.type === 'TrainingRequested')
        .map((e) => [String((e.data as { jobId: string }).jobId), at(e)]),
    );
    const latencies = events
      .filter((e) => e.type === 'TrainingClaimed' && (e.data as { attempt: number }).attempt === 1)
      .map((e) => at(e) - (requested.get(String((e.data as { jobId: string }).jobId)) ?? NaN))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return {
      workers: 4,
      jobs: latencies.length,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1],
      loadAverage: os.loadavg(),
    };
  } finally {
    await stop(procs);
  }
};

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const candidates = Number(args[0] ?? 10);
  const subset = Number(args[1] ?? 2000);
  const epochs = Number(args[2] ?? 1);
  const latencyCandidates = Number(args[3] ?? 200);
  const roundCount = Number(args[4] ?? 2);
  const config = {
    name: 'workers throughput',
    seed: 11,
    space: 'quick',
    dataset: { path: datasetPath, subset, validationSplit: 0.1 },
    device: { preset: 'zynq7020', maxLuts: 1e7, minFps: 1 },
    // One episode of all the candidates: nothing waits for a policy update, so both runs train the same designs.
    controller: { kind: 'random', childrenPerEpisode: candidates },
    training: { epochs, batchSize: 64, learningRate: 0.01 },
    budget: { maxCandidates: candidates },
    dispatch: 'workers',
  };
  // Alternating rounds (1 worker; 2 processes; 1 process of 2 threads; again …): a slow spell of the shared machine
  // then hits every set-up.
  type Round = {
    one: Record<string, unknown>;
    two: Record<string, unknown>;
    threads: Record<string, unknown>;
    speedup: number;
    threadsSpeedup: number;
  };
  const rounds: Round[] = [];
  for (let r = 0; r < roundCount; r++) {
    const one = await throughputWith(1, 1, config);
    const two = await throughputWith(2, 1, config);
    const threads = await throughputWith(1, 2, config);
    const perHour = (x: Record<string, unknown>): number => Number(x.candidatesPerHour);
    rounds.push({
      one,
      two,
      threads,
      speedup: perHour(two) / perHour(one),
      threadsSpeedup: perHour(threads) / perHour(one),
    });
  }
  const total = (k: 'one' | 'two' | 'threads', field: string): number =>
    rounds.reduce((sum, round) => sum + Number(round[k][field]), 0);
  const perHourOf = (k: 'one' | 'two' | 'threads'): number => (total(k, 'trained') / total(k, 'wallSeconds')) * 3600;
  const latency = await claimLatency(latencyCandidates);
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const { nspname } of (
    await admin.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_%${suffix}'`)
  ).rows) {
    await admin.query(`DROP SCHEMA ${nspname} CASCADE`);
  }
  await admin.end();
  return {
    command: `npm run bench -- workers ${candidates} ${subset} ${epochs} ${latencyCandidates} ${roundCount}`,
    training: `quick space, random controller (seed 11, one episode of ${candidates}), ${epochs} epoch(s) on ${subset} CIFAR-10 training images, tfjs wasm, PostgreSQL store`,
    throughput: {
      rounds,
      // Over all rounds: candidates per hour = trained / wall, each worker count pooled.
      oneWorkerPerHour: perHourOf('one'),
      twoProcessesPerHour: perHourOf('two'),
      oneProcessTwoThreadsPerHour: perHourOf('threads'),
      speedup: perHourOf('two') / perHourOf('one'),
      threadsSpeedup: perHourOf('threads') / perHourOf('one'),
      goal: 1.8,
    },
    claimLatency: latency,
  };
};
