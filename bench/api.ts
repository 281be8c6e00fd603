// API benchmark: latency from an event's append to its arrival at 200 concurrent graphql-ws subscribers, and the
// throughput of the `candidates` query with 10,000 candidates in the read model. Real sockets, real SQLite file.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createApiServer, parseConfigMinimal } from '../src/api/index.js';
import { createReadModelsAdapter } from '../src/api/readModelsAdapter.js';
import { experimentStreamId, newEvent } from '../src/events/index.js';
import { openProjections } from '../src/projections/index.js';
import { createEventStore } from '../src/store/index.js';
import type { EventStore, EventToAppend } from '../src/store/eventStore.js';

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (value: number): number => Math.round(value * 100) / 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const candidateEvents = (experimentId: string, index: number): EventToAppend[] => {
  const candidateId = randomUUID();
  const metadata = { correlationId: experimentId, actor: 'bench' };
  const accuracy = 0.5 + ((index * 7919) % 1000) / 2500;
  return [
    newEvent(
      'CandidateProposed',
      {
        experimentId,
        candidateId,
        index,
        candidate: { input: { height: 32, width: 32, channels: 3, bits: 8 }, layers: [] },
        actions: [index % 4],
        logProbs: [-1],
        rng: { seed: 1, position: index },
        controller: 'random',
      },
      metadata,
    ),
    newEvent(
      'HardwareEvaluated',
      {
        experimentId,
        candidateId,
        device: 'zynq7020',
        luts: 10_000 + ((index * 104729) % 40_000),
        throughputFps: 1500,
        latencyMs: 1,
        feasible: true,
        violations: [],
        layers: [],
      },
      metadata,
    ),
    newEvent(
      'CandidateTrained',
      { experimentId, candidateId, accuracy, epochs: 1, trainSeconds: 1, backend: 'oracle' },
      metadata,
    ),
    newEvent('RewardAssigned', { experimentId, candidateId, reward: accuracy, reason: 'accuracy' }, metadata),
  ];
};

const startExperiment = async (store: EventStore): Promise<string> => {
  const experimentId = randomUUID();
  await store.append(
    experimentStreamId(experimentId),
    [
      newEvent(
        'ExperimentStarted',
        { experimentId, name: 'bench', config: {}, seed: 1 },
        { correlationId: experimentId, actor: 'bench' },
      ),
    ],
    'no_stream',
  );
  return experimentId;
};

/** Wall-clock milliseconds with sub-ms resolution, comparable across processes on one machine. */
const nowMs = (): number => performance.timeOrigin + performance.now();

interface ChildReport {
  arrivals: Array<[number, number]>;
}

/**
 * Subscriber side, run in a child process so that clients and server do not share an event loop: opens
 * `subscribers` graphql-ws connections, reports 'ready' once each has seen revision 0, then records the arrival
 * time of every later revision and sends them back when told to finish.
 */
const runSubscribers = async (wsUrl: string, experimentId: string, subscribers: number): Promise<void> => {
  const arrivals: Array<[number, number]> = [];
  let warm = 0;
  const clients: Client[] = [];
  const query = 'subscription ($id: ID!) { experimentEvents(id: $id) { revision } }';
  for (let i = 0; i < subscribers; i += 1) {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    client.subscribe<{ experimentEvents: { revision: number } }>(
      { query, variables: { id: experimentId } },
      {
        next: (result) => {
          const revision = result.data?.experimentEvents.revision;
          if (revision === 0) warm += 1;
          else if (revision !== undefined) arrivals.push([revision, nowMs()]);
        },
        error: (error) => console.error('subscriber error', error),
        complete: () => undefined,
      },
    );
  }
  while (warm < subscribers) await sleep(10);
  process.send?.('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  await Promise.all(clients.map((client) => client.dispose()));
  const report: ChildReport = { arrivals };
  process.send?.(report, () => process.exit(0));
};

if (process.argv[2] === '--subscribers-child') {
  const [, , , wsUrl, experimentId, count] = process.argv;
  void runSubscribers(wsUrl ?? '', experimentId ?? '', Number(count));
}

const measureSubscriptions = async (
  store: EventStore,
  wsUrl: string,
  subscribers: number,
  events: number,
  gapMs: number,
) => {
  const experimentId = await startExperiment(store);
  const child = fork(fileURLToPath(import.meta.url), ['--subscribers-child', wsUrl, experimentId, String(subscribers)]);
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const sentAt = new Map<number, number>();
  const stream = experimentStreamId(experimentId);
  for (let revision = 1; revision <= events; revision += 1) {
    const [event] = candidateEvents(experimentId, revision).slice(3);
    if (event === undefined) throw new Error('fixture has no event');
    sentAt.set(revision, nowMs());
    await store.append(stream, [event], revision - 1);
    await sleep(gapMs);
  }
  await sleep(2000);
  const report = await new Promise<ChildReport>((resolve) => {
    child.once('message', (message) => resolve(message as ChildReport));
    child.send('finish');
  });
  const latencies = report.arrivals.map(([revision, at]) => at - (sentAt.get(revision) ?? NaN)).sort((a, b) => a - b);
  return {
    subscribers,
    events,
    gapBetweenAppendsMs: gapMs,
    deliveries: latencies.length,
    expectedDeliveries: subscribers * events,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    goalP99Ms: 50,
    clients: 'graphql-ws clients in a child process, one socket each',
  };
};

const measureCandidatesQuery = async (
  store: EventStore,
  httpUrl: string,
  waitFor: (position: number) => Promise<void>,
  candidates: number,
  seconds: number,
  concurrency: number,
) => {
  const experimentId = await startExperiment(store);
  const stream = experimentStreamId(experimentId);
  const loadStart = performance.now();
  for (let start = 0; start < candidates; start += 250) {
    const batch: EventToAppend[] = [];
    for (let index = start; index < Math.min(candidates, start + 250); index += 1)
      batch.push(...candidateEvents(experimentId, index));
    await store.append(stream, batch, 'any');
  }
  await waitFor(await store.headPosition());
  const projectSeconds = (performance.now() - loadStart) / 1000;
  const body = JSON.stringify({
    query:
      'query ($id: ID!, $after: String) { candidates(experimentId: $id, orderBy: { field: ACCURACY, descending: true }, first: 50, after: $after) { totalCount edges { cursor node { id index accuracy hardware { luts throughputFps } } } pageInfo { endCursor } } }',
    variables: { id: experimentId },
  });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const response = await fetch(httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await response.json()) as { errors?: unknown; data?: { candidates: { totalCount: number } } };
      if (json.errors !== undefined || json.data?.candidates.totalCount !== candidates)
        throw new Error(`bad response ${JSON.stringify(json).slice(0, 300)}`);
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    candidates,
    pageSize: 50,
    orderBy: 'accuracy desc',
    concurrency,
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / elapsed),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    loadAndProjectSeconds: round(projectSeconds),
  };
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  // Other processes on the machine skew every timing; the load average says how much.
  const loadAtStart = loadavg().map(round);
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-bench-api-'));
  const storeUrl = `sqlite:${join(dir, 'cosearch.db')}`;
  const store = await createEventStore(storeUrl);
  const projections = await openProjections({ store, storeUrl, dataDir: dir });
  await projections.runner.start();
  const server = await createApiServer({
    store,
    port: 0,
    parseConfig: parseConfigMinimal,
    readModels: createReadModelsAdapter(projections.queries, (name) => projections.runner.rebuild(name)),
    log: () => undefined,
  });
  try {
    const wsUrl = server.url.replace('http', 'ws');
    // A search appends a few events per second; 20/s is already brisk. 100/s shows the fan-out under pressure.
    const subscriptions = await measureSubscriptions(store, wsUrl, quick ? 20 : 200, quick ? 20 : 100, 50);
    const subscriptionsBurst = await measureSubscriptions(store, wsUrl, quick ? 20 : 200, quick ? 20 : 100, 10);
    const candidatesQuery = await measureCandidatesQuery(
      store,
      server.url,
      (position) => projections.runner.waitForPosition(position, 300_000),
      quick ? 1000 : 10_000,
      quick ? 2 : 10,
      8,
    );
    return {
      note: 'subscribers run in a child process; SQLite store and read models in one WAL file; the HTTP load generator shares the server process',
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map(round),
      subscriptions,
      subscriptionsBurst,
      candidatesQuery,
    };
  } finally {
    await server.stop();
    await projections.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
