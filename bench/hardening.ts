// Load test of the hardening limits (issue 19): 8 clients loop the most expensive query the limits admit (two
// auditExperiment aliases, the per-client cap, over two of four 28k-event experiments, each alias with a fresh
// expectHead so no cache helps) for 60 s
// against a real `cosearch serve` process on PostgreSQL, while a ninth client measures `health` latency and the
// append-to-arrival latency of a subscription, and the server's RSS is sampled from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { hashToken } from '../src/api/index.js';
import { syntheticExperiment } from '../src/audit/index.js';
import { experimentStreamId, newEvent } from '../src/events/index.js';
import { createEventStore } from '../src/store/index.js';

const PG = process.env.COSEARCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round = (value: number): number => Math.round(value * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const stats = (values: number[]) => ({
  n: values.length,
  p50: round(percentile(values, 50)),
  p99: round(percentile(values, 99)),
  max: round(Math.max(...values)),
});

const rssMiB = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) / 1024;
};

const startServe = (
  storeUrl: string,
  dataDir: string,
  tokens: string,
  readThreads: number,
): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'node',
      ['dist/src/cli/main.js', 'serve', '--store', storeUrl, '--port', '0', '--data-dir', dataDir, '--no-search'],
      {
        env: {
          ...process.env,
          COSEARCH_TOKENS: tokens,
          COSEARCH_LOG_LEVEL: 'warn',
          COSEARCH_READ_THREADS: String(readThreads),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /cosearch API at (\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${out}`)));
  });

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const seconds = Number(flag('--seconds') ?? 60) || 60;
  // Each mode is one phase against a fresh serve: 0 runs audits on the event loop, N on N read threads.
  const modes = (flag('--read-threads') ?? '0,2').split(',').map(Number);
  const candidates = Number(flag('--candidates') ?? 5200) || 5200;
  const schema = `bench_hardening_${process.pid}`;
  const storeUrl = `${PG}?schema=${schema}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'cosearch-bench-hardening-'));
  const store = await createEventStore(storeUrl);
  const big: string[] = [];
  let eventsPerExperiment = 0;
  for (let i = 0; i < 4; i += 1) {
    const experimentId = randomUUID();
    const { streamId, events } = syntheticExperiment({ experimentId, candidates, seed: i + 1 });
    for (let from = 0; from < events.length; from += 2000)
      await store.append(streamId, events.slice(from, from + 2000), from === 0 ? 'no_stream' : from - 1);
    big.push(experimentId);
    eventsPerExperiment = events.length;
  }
  const followed = randomUUID();
  const followedStream = experimentStreamId(followed);
  await store.append(
    followedStream,
    [
      newEvent(
        'ExperimentStarted',
        { experimentId: followed, name: 'followed', config: {}, seed: 1 },
        { correlationId: followed, actor: 'bench' },
      ),
    ],
    'no_stream',
  );

  const phase = async (readThreads: number): Promise<Record<string, unknown>> => {
    const tokens = Array.from({ length: 9 }, (_, i) => ({
      subject: `client${i}`,
      token: `bench-${i}-${randomBytes(8).toString('hex')}`,
    }));
    const { child, url } = await startServe(
      storeUrl,
      dataDir,
      tokens.map((t) => `${t.subject}:viewer:${hashToken(t.token)}`).join('\n'),
      readThreads,
    );
    const pid = child.pid ?? 0;
    const load = { before: loadavg().map(round), during: [] as number[][] };
    const rss: number[] = [];
    const health: number[] = [];
    const arrivals: number[] = [];
    // The same arrivals timed from the writer's acknowledged append: the delivery path alone, without the time the
    // bench's own append waited for the loaded PostgreSQL (which `arrivals`, timed from before the append, includes).
    const arrivalsFromCommit: number[] = [];
    const committed = new Map<string, number>();
    const early = new Map<string, number>();
    const attackers = {
      requests: 0,
      auditsAnswered: 0,
      refusedConcurrency: 0,
      refusedOther: 0,
      httpErrors: 0,
      latencyMs: [] as number[],
    };
    let turn = 0;
    const expensive = (): string =>
      // Two aliases: a third distinct one is refused by the per-client cap, and its error nulls the whole answer.
      `{ ${[big[(turn += 1) % 4], big[(turn + 1) % 4]].map((id, i) => `a${i}: auditExperiment(id: "${id ?? ''}", expectHead: "${randomBytes(16).toString('hex')}") { verified events head faults { kind } }`).join(' ')} }`;
    const post = async (
      query: string,
      token: string,
    ): Promise<{ data?: Record<string, unknown> | null; errors?: Array<{ extensions?: Record<string, unknown> }> }> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, unknown> | null };
    };

    let running = true;
    const deadline = performance.now() + seconds * 1000;
    const sampler = setInterval(() => {
      rss.push(rssMiB(pid));
      if (rss.length % 40 === 0) load.during.push(loadavg().map(round));
    }, 250);

    const attack = async (token: string): Promise<void> => {
      while (running && performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const result = await post(expensive(), token);
          attackers.requests += 1;
          attackers.latencyMs.push(performance.now() - t0);
          attackers.auditsAnswered += Object.values(result.data ?? {}).filter((v) => v !== null).length;
          for (const error of result.errors ?? []) {
            if (error.extensions?.['limit'] === 'concurrency') attackers.refusedConcurrency += 1;
            else attackers.refusedOther += 1;
          }
        } catch {
          attackers.httpErrors += 1;
        }
      }
    };

    // The ninth client: health every 100 ms, and a subscription whose events the bench appends every 100 ms.
    const measurer = tokens[8]?.token ?? '';
    const sent = new Map<string, number>();
    const ws = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authToken: measurer },
      retryAttempts: 0,
    });
    const subscribed = new Promise<void>((ready) => {
      ws.subscribe(
        { query: `subscription { experimentEvents(id: "${followed}") { type data } }` },
        {
          next: ({ data }) => {
            const event = (
              data as { experimentEvents?: { type: string; data: { reason?: string } } } | null | undefined
            )?.experimentEvents;
            if (event?.type === 'ExperimentStarted') ready();
            const reason = event?.data.reason;
            const at = reason === undefined ? undefined : sent.get(reason);
            if (reason === undefined || at === undefined) return;
            const now = performance.now();
            arrivals.push(now - at);
            const ack = committed.get(reason);
            // Delivered before the append's promise resolved: the subscription was faster than the writer's ack.
            if (ack === undefined) early.set(reason, now);
            else arrivalsFromCommit.push(now - ack);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    });
    await subscribed;
    const probe = async (): Promise<void> => {
      let seq = 0;
      while (running && performance.now() < deadline) {
        const t0 = performance.now();
        const result = await post('{ health { status } }', measurer).catch(() => undefined);
        if (result?.data !== undefined) health.push(performance.now() - t0);
        const reason = `probe-${(seq += 1)}`;
        sent.set(reason, performance.now());
        await store.append(
          followedStream,
          [
            newEvent(
              'ExperimentResumed',
              { experimentId: followed, reason },
              { correlationId: followed, actor: 'bench' },
            ),
          ],
          'any',
        );
        const ack = performance.now();
        committed.set(reason, ack);
        const arrivedAt = early.get(reason);
        if (arrivedAt !== undefined) arrivalsFromCommit.push(arrivedAt - ack);
        await sleep(100);
      }
    };

    await Promise.all([...tokens.slice(0, 8).map((t) => attack(t.token)), probe()]);
    running = false;
    clearInterval(sampler);
    await sleep(500);
    await ws.dispose();
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    const exitCode = await exit;
    load.during.push(loadavg().map(round));
    return {
      readThreads,
      health: { ...stats(health), goalP99Ms: 100, met: percentile(health, 99) < 100 },
      subscription: { ...stats(arrivals), sent: sent.size, goalP99Ms: 50, met: percentile(arrivals, 99) < 50 },
      // Negative values: delivered before the writer's append resolved. Not the goal's measure; shown beside it.
      subscriptionFromCommit: stats(arrivalsFromCommit),
      serverRssMiB: {
        max: round(Math.max(...rss)),
        p50: round(percentile(rss, 50)),
        goalMaxMiB: 1024,
        met: Math.max(...rss) < 1024,
      },
      attackers: { ...attackers, latencyMs: stats(attackers.latencyMs) },
      loadAverage: load,
      serveExitCodeOnSigterm: exitCode,
    };
  };
  const phases: Record<string, unknown>[] = [];
  for (const readThreads of modes) phases.push(await phase(readThreads));
  await store.close();
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
  const result = {
    command: `npm run bench -- hardening${args.length > 0 ? ` ${args.join(' ')}` : ''}`,
    setup: {
      store: 'postgres (own schema)',
      experiments: 4,
      eventsPerExperiment,
      seconds,
      attackers: 8,
      query:
        'two auditExperiment aliases (the per-client cap) of 28k-event experiments, each with a fresh expectHead (never cached)',
    },
    phases,
  };
  return result;
};
