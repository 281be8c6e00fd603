// Distributed training on the real PostgreSQL, with real processes: 3 `cosearch worker`s and a `cosearch search`
// loop. One worker is SIGKILLed mid-training and the loop is SIGKILLed and restarted; another worker's connection is
// cut (pg_terminate_backend, logins refused) mid-job. Each time every candidate is counted once, the log audits, and
// the decisions equal those of a run with one worker and the same seed. Runs the compiled dist/ CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore, type RecordedEvent } from '../../src/store/index.js';
import { foldJob } from '../../src/workers/index.js';

const SERVER = process.env.COSEARCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const cli = join(process.cwd(), 'dist/src/cli/main.js');
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EXPERIMENT = 'dist';

const urlOf = (schema: string, user = 'postgres'): string => {
  const url = new URL(SERVER);
  url.username = user;
  url.searchParams.set('schema', schema);
  return url.toString();
};
const newSchema = (name: string): string => {
  const schema = `w_${name}_${suffix}`;
  schemas.push(schema);
  return schema;
};

const configFile = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-dist-'));
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'distributed',
      seed: 3,
      space: 'quick',
      device: { preset: 'zynq7020', maxLuts: 40000, minFps: 1000 },
      controller: { kind: 'rl', hiddenSize: 16, embeddingSize: 8, childrenPerEpisode: 5 },
      training: { epochs: 3, batchSize: 64, learningRate: 0.01, oracle: true },
      budget: { maxCandidates: 30 },
      dispatch: 'workers',
    }),
  );
  return file;
})();

interface Proc {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const start = (args: string[]): Proc => {
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [proc.stdout, proc.stderr])
    stream?.on('data', (d) =>
      lines.push(
        ...String(d)
          .split('\n')
          .filter((l) => l !== ''),
      ),
    );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, lines, exited };
};
const worker = (url: string, id: string, epochMs: number): Proc =>
  start([
    'worker',
    '--store',
    url,
    '--id',
    id,
    '--lease-seconds',
    '2',
    '--oracle-epoch-ms',
    String(epochMs),
    '--give-up-seconds',
    '60',
  ]);
const search = (url: string): Proc =>
  start(['search', '--config', configFile, '--store', url, '--experiment-id', EXPERIMENT, '--workers', '0', '--json']);

const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

/** The summary printed by `search --json` (its last JSON object). */
const summaryOf = async (p: Proc): Promise<Record<string, unknown>> => {
  const { code } = await p.exited;
  const text = p.lines.join('\n');
  expect(code, text).toBe(0);
  const { wallSeconds: _w, ...summary } = JSON.parse(text.slice(text.indexOf('{'))) as Record<string, unknown>;
  return summary;
};

/** The loop's decisions in order, without worker progress and volatile fields: what must not depend on the workers. */
const decisions = (events: readonly RecordedEvent[]): string[] =>
  events
    .filter((e) => e.type !== 'ExperimentStarted' && e.type !== 'TrainingStarted' && e.type !== 'EpochCompleted')
    .map((e) => {
      const { trainSeconds: _t, workerId: _w, ...data } = e.data as Record<string, unknown>;
      return `${e.id} ${e.type} ${e.metadata.causationId ?? ''} ${JSON.stringify(data)}`;
    });

const jobStreams = async (store: EventStore): Promise<Map<string, RecordedEvent[]>> => {
  const jobs = new Map<string, RecordedEvent[]>();
  for (let after = 0; ;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return jobs;
    for (const e of page) if (e.streamId.startsWith('job-')) jobs.set(e.streamId, [...(jobs.get(e.streamId) ?? []), e]);
    after = page[page.length - 1]?.position ?? after;
  }
};

/** Every feasible candidate has exactly one proxy result, from the worker that held its job, and no event is doubled. */
const expectCountedOnce = async (store: EventStore): Promise<RecordedEvent[]> => {
  const log = await store.readStream(`experiment-${EXPERIMENT}`);
  expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
  const feasible = log
    .filter((e) => e.type === 'HardwareEvaluated' && (e.data as { feasible: boolean }).feasible)
    .map((e) => (e.data as { candidateId: string }).candidateId);
  const trained = log
    .filter((e) => e.type === 'CandidateTrained')
    .map((e) => e.data as { candidateId: string; jobId: string; workerId: string });
  expect(trained.map((t) => t.candidateId).sort()).toEqual([...feasible].sort());
  const jobs = await jobStreams(store);
  expect(jobs.size).toBe(trained.length);
  for (const t of trained) {
    const job = foldJob(t.jobId, jobs.get(`job-${t.jobId}`) ?? []);
    expect(job.result?.workerId, t.jobId).toBe(t.workerId);
  }
  return log;
};

const audit = async (url: string): Promise<void> => {
  const p = start(['audit', EXPERIMENT, '--store', url]);
  const { code } = await p.exited;
  expect(code, p.lines.join('\n')).toBe(0);
  expect(p.lines.join('\n')).toContain('hash chain verified');
};

const stopAll = async (procs: Proc[]): Promise<void> => {
  for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
};

describe.skipIf(!existsSync(cli))('distributed workers on PostgreSQL', () => {
  let admin: pg.Client;
  let referenceSummary: Record<string, unknown>;
  let referenceDecisions: string[];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    // The reference: one worker, the same config and seed.
    const url = urlOf(newSchema('ref'));
    const store = await createEventStore(url);
    const w = worker(url, 'only', 0);
    referenceSummary = await summaryOf(search(url));
    await stopAll([w]);
    referenceDecisions = decisions(await expectCountedOnce(store));
    await store.close();
    expect(referenceSummary).toMatchObject({ status: 'completed', proposed: 30 });
    expect(referenceSummary.trained).toBeGreaterThanOrEqual(25);
  }, 120_000);

  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query('DROP ROLE IF EXISTS cosearch_fault').catch(() => undefined);
    await admin.end();
  });

  it('survives kill -9 of a worker mid-training and of the loop: one result per candidate, the decisions of one worker', async () => {
    const url = urlOf(newSchema('kill'));
    const store = await createEventStore(url);
    const workers = [worker(url, 'w1', 150), worker(url, 'w2', 150), worker(url, 'w3', 150)];
    let loop = search(url);
    // w1 dies with a job in hand, after its first epoch.
    let killedJob = '';
    await waitFor('w1 to report an epoch', async () => {
      for (const [stream, events] of await jobStreams(store)) {
        const job = foldJob(stream.slice(4), events);
        if (job.claim?.workerId === 'w1' && job.epochs.length > 0 && job.result === undefined) {
          killedJob = job.jobId;
          return true;
        }
      }
      return false;
    });
    workers[0]?.proc.kill('SIGKILL');
    // The loop dies halfway, with results folded and trainings out.
    const half = Math.ceil(Number(referenceSummary.trained) / 2);
    await waitFor(
      `${half} results folded`,
      async () =>
        (await store.readStream(`experiment-${EXPERIMENT}`)).filter((e) => e.type === 'CandidateTrained').length >=
        half,
    );
    loop.proc.kill('SIGKILL');
    await loop.exited;
    await sleep(300);
    loop = search(url);
    const summary = await summaryOf(loop);
    await stopAll(workers);

    expect(summary).toEqual(referenceSummary);
    const log = await expectCountedOnce(store);
    expect(decisions(log)).toEqual(referenceDecisions);
    const killed = foldJob(killedJob, (await jobStreams(store)).get(`job-${killedJob}`) ?? []);
    expect(killed.attempts).toBeGreaterThanOrEqual(2);
    expect(killed.result?.workerId).not.toBe('w1');
    for (const w of workers.slice(1)) expect((await w.exited).code).toBe(0);
    await audit(url);
    await store.close();
  }, 180_000);

  it('re-claims the job of a worker whose connection is cut mid-job; the worker reconnects and its stale work is not counted', async () => {
    const schema = newSchema('cut');
    const url = urlOf(schema);
    const store = await createEventStore(url);
    await admin.query('DROP ROLE IF EXISTS cosearch_fault');
    await admin.query('CREATE ROLE cosearch_fault LOGIN SUPERUSER');
    const faulty = worker(urlOf(schema, 'cosearch_fault'), 'wf', 300);
    await waitFor('wf to start', () => faulty.lines.some((l) => l.includes('worker wf')));
    const steady = worker(url, 'w2', 300);
    const loop = search(url);
    let cutJob = '';
    await waitFor('wf to claim a job', () => {
      const line = faulty.lines.find((l) => l.includes('claimed '));
      cutJob = line?.split('claimed ')[1]?.split(' ')[0] ?? '';
      return cutJob !== '';
    });
    await admin.query('ALTER ROLE cosearch_fault NOLOGIN');
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'cosearch_fault'");
    await waitFor('another worker to re-claim the cut job', async () => {
      const job = foldJob(cutJob, await store.readStream(`job-${cutJob}`));
      return job.claim?.workerId === 'w2';
    });
    await admin.query('ALTER ROLE cosearch_fault LOGIN');
    const summary = await summaryOf(loop);
    await stopAll([faulty, steady]);

    expect(summary).toEqual(referenceSummary);
    expect(decisions(await expectCountedOnce(store))).toEqual(referenceDecisions);
    const cut = foldJob(cutJob, await store.readStream(`job-${cutJob}`));
    expect(cut.result?.workerId).toBe('w2');
    const log = faulty.lines.join('\n');
    expect(log).toContain('store call failed');
    expect(log).toContain('store reachable again');
    expect(log).toMatch(new RegExp(`lost ${cutJob}`));
    expect((await faulty.exited).code).toBe(0);
    await audit(url);
    await store.close();
  }, 180_000);
});
