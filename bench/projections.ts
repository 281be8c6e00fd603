// Projection rebuild benchmark: appends ≥200,000 realistic experiment events to a SQLite store (and PostgreSQL
// unless --no-pg), times a full rebuild of every read model from position 0 (bulk, and batched as the in-run
// baseline) and its phases (read+decode+fold, empty, insert, commit), then pages listCandidates over one
// 10,000-candidate experiment. Args: [--events N] [--no-pg].
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { derivedEventId, experimentStreamId, newEvent } from '../src/events/index.js';
import {
  createDefaultProjections,
  createProjectionRunner,
  createReadModelQueries,
  openProjections,
  type CandidateOrderField,
  type Projection,
  type SqlDatabase,
} from '../src/projections/index.js';
import { bulkFoldFromZero } from '../src/projections/bulkFold.js';
import { createEventStore, type EventStore, type EventToAppend, type RecordedEvent } from '../src/store/index.js';

const PG_URL = process.env.COSEARCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A 6-conv, 2-dense candidate in the public format, varied by index. */
const candidateFor = (i: number): Record<string, unknown> => ({
  input: { height: 32, width: 32, channels: 3, bits: 8 },
  layers: [
    ...[32, 32, 64, 64, 128, 128].map((filters, l) => ({
      kind: 'conv',
      filters,
      kernelSize: 3,
      stride: 1,
      padding: 'same',
      weightBits: 1 + ((i + l) % 4),
      activationBits: 2 + ((i * 3 + l) % 3),
      pe: 2 ** ((i + l) % 4),
      simd: 2 ** ((i * 7 + l) % 4),
      ...(l % 2 === 1 ? { maxPool: { size: 2, stride: 2 } } : {}),
    })),
    { kind: 'dense', units: 256, weightBits: 2, activationBits: 2, pe: 4, simd: 8 },
    { kind: 'dense', units: 10, weightBits: 8, activationBits: 8, pe: 1, simd: 4 },
  ],
});

/** One experiment like a real search makes: proposals, hardware, training with epochs, rewards, policy steps. */
export const experimentEvents = (
  experimentId: string,
  candidates: number,
  epochs: number,
  seed: number,
): EventToAppend[] => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const meta = { correlationId: experimentId, actor: 'system' };
  const id = (...parts: Array<string | number>): string => derivedEventId(experimentId, ...parts);
  const events: EventToAppend[] = [
    newEvent(
      'ExperimentStarted',
      {
        experimentId,
        name: 'bench',
        config: { controller: { kind: 'rl' }, device: { maxLuts: 30_000, minFps: 1000 } },
        seed,
      },
      meta,
      { id: id('s') },
    ),
  ];
  let trained = 0;
  let best: string | null = null;
  let bestAccuracy = -1;
  for (let i = 0; i < candidates; i += 1) {
    const base = { experimentId, candidateId: id('c', i) };
    const actions = Array.from({ length: 16 }, () => Math.floor(next() * 4));
    events.push(
      newEvent(
        'CandidateProposed',
        {
          ...base,
          index: i,
          candidate: candidateFor(i),
          actions,
          logProbs: actions.map(() => -next()),
          rng: { seed, position: i * 16 },
          controller: 'rl',
        },
        meta,
        { id: id('p', i) },
      ),
    );
    const luts = Math.round(10_000 + next() * 40_000);
    const feasible = luts <= 30_000;
    const layers = Array.from({ length: 8 }, (_, l) => ({
      index: l,
      luts: Math.round(luts / 8),
      cyclesPerImage: 40_000 + l * 911,
      pe: 4,
      simd: 8,
    }));
    events.push(
      newEvent(
        'HardwareEvaluated',
        {
          ...base,
          device: 'zcu102',
          luts,
          throughputFps: Math.round(500 + next() * 2000),
          latencyMs: 1 + next(),
          feasible,
          violations: feasible ? [] : [{ constraint: 'lutBudget', limit: 30_000, actual: luts }],
          layers,
        },
        meta,
        { id: id('h', i) },
      ),
    );
    let reward = -1;
    if (feasible) {
      events.push(
        newEvent(
          'TrainingStarted',
          { ...base, backend: 'wasm', epochs, batchSize: 64, trainImages: 45_000, workerId: 'w1' },
          meta,
          { id: id('t', i) },
        ),
      );
      for (let e = 0; e < epochs; e += 1) {
        events.push(
          newEvent(
            'EpochCompleted',
            { ...base, epoch: e, loss: 2 - next(), trainAccuracy: next(), valAccuracy: next(), imagesPerSec: 380 },
            meta,
            { id: id('e', i, e) },
          ),
        );
      }
      const accuracy = Math.round(next() * 10_000) / 10_000;
      events.push(
        newEvent(
          'CandidateTrained',
          { ...base, accuracy, testAccuracy: accuracy, epochs, trainSeconds: 120, backend: 'wasm' },
          meta,
          { id: id('d', i) },
        ),
      );
      trained += 1;
      reward = accuracy;
      if (accuracy > bestAccuracy) [best, bestAccuracy] = [base.candidateId, accuracy];
    }
    events.push(
      newEvent('RewardAssigned', { ...base, reward, reason: feasible ? 'accuracy' : 'infeasible' }, meta, {
        id: id('r', i),
      }),
    );
    if (i % 5 === 4)
      events.push(
        newEvent('PolicyUpdated', { experimentId, step: (i + 1) / 5, baseline: next(), loss: next() }, meta, {
          id: id('u', i),
        }),
      );
  }
  events.push(
    newEvent(
      'ExperimentCompleted',
      {
        experimentId,
        bestCandidateId: best,
        reason: 'budget',
        proposed: candidates,
        pruned: candidates - trained,
        trained,
      },
      meta,
      { id: id('x') },
    ),
  );
  return events;
};

export const fill = async (
  store: EventStore,
  events: number,
): Promise<{ experiments: number; events: number; appendSeconds: number }> => {
  const candidatesPerExperiment = 600;
  let written = 0;
  let experiments = 0;
  const started = performance.now();
  while (written < events) {
    const experimentId = derivedEventId('bench-projections', experiments);
    const streamId = experimentStreamId(experimentId);
    const prepared = experimentEvents(experimentId, candidatesPerExperiment, 5, experiments + 1);
    for (let i = 0; i < prepared.length; i += 1000) await store.append(streamId, prepared.slice(i, i + 1000), 'any');
    written += prepared.length;
    experiments += 1;
  }
  return { experiments, events: written, appendSeconds: (performance.now() - started) / 1000 };
};

/** A read-only store over events already in memory: isolates the projection fold and writes from the store's read cost. */
const memoryStore = (events: readonly RecordedEvent[]): EventStore => ({
  kind: 'memory',
  append: () => Promise.reject(new Error('read-only')),
  readStream: () => Promise.resolve([]),
  readAll: (options = {}) => {
    const after = options.after ?? 0;
    let [lo, hi] = [0, events.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid]?.position ?? 0) > after) hi = mid;
      else lo = mid + 1;
    }
    return Promise.resolve(events.slice(lo, lo + (options.maxCount ?? 1000)));
  },
  subscribeToAll: () => {
    throw new Error('not used by rebuild');
  },
  headPosition: () => Promise.resolve(events[events.length - 1]?.position ?? 0),
  close: () => Promise.resolve(),
});

/** The same projections with their bulk mode removed: every rebuild goes batch by batch. */
const withoutBulk = (projections: readonly Projection[]): Projection[] =>
  projections.map((p) => ({ ...p, createBulkFold: undefined }));

const percentile = (sorted: readonly number[], q: number): number =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2));

/**
 * listCandidates over one experiment of 10,000 candidates (appended after the rebuild, applied by catch-up): the
 * first page and every following page of 50, per ordering, timed one by one.
 */
const measureListCandidates = async (store: EventStore, db: SqlDatabase): Promise<Record<string, unknown>> => {
  const candidates = 10_000;
  const experimentId = derivedEventId('bench-projections-list', candidates);
  const events = experimentEvents(experimentId, candidates, 2, 99);
  for (let i = 0; i < events.length; i += 1000)
    await store.append(experimentStreamId(experimentId), events.slice(i, i + 1000), 'any');
  await createProjectionRunner({ store, db, projections: createDefaultProjections() }).catchUp();
  const queries = createReadModelQueries(db);
  const result: Record<string, unknown> = { candidates, pageSize: 50 };
  const orders: Array<[CandidateOrderField, 'asc' | 'desc']> = [
    ['accuracy', 'desc'],
    ['index', 'asc'],
    ['luts', 'asc'],
  ];
  for (const [field, direction] of orders) {
    const pageMs: number[] = [];
    let after: string | null = null;
    let seen = 0;
    for (;;) {
      const t = performance.now();
      const page = await queries.listCandidates(experimentId, { orderBy: { field, direction }, first: 50, after });
      pageMs.push(performance.now() - t);
      seen += page.edges.length;
      if (page.totalCount !== candidates)
        throw new Error(`expected totalCount ${candidates}, but got ${page.totalCount}`);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    if (seen !== candidates) throw new Error(`expected to page through ${candidates} candidates, but saw ${seen}`);
    const sorted = [...pageMs].sort((a, b) => a - b);
    result[`${field}:${direction}`] = {
      firstPageMs: Number((pageMs[0] ?? 0).toFixed(2)),
      pages: pageMs.length,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
    };
  }
  return result;
};

interface Timed {
  seconds: number;
  cpuSeconds: number;
}

/** Times `fn` in wall and CPU seconds; on SQLite the WAL is checkpointed first, so no run pays for an earlier one. */
const timed = async (db: SqlDatabase, fn: () => Promise<unknown>): Promise<Timed> => {
  if (db.dialect === 'sqlite') await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
  const t = performance.now();
  const cpu = process.cpuUsage();
  await fn();
  return { seconds: (performance.now() - t) / 1000, cpuSeconds: cpuSeconds(cpu) };
};

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/**
 * The bulk rebuild's phases, one after another as the runner runs them: reading, decoding and folding every event
 * (streaming, only the rows are held), emptying the tables, inserting the rows, committing. Where the time goes.
 */
const measurePhases = async (store: EventStore, db: SqlDatabase, head: number): Promise<Record<string, number>> => {
  if (db.dialect === 'sqlite') await db.query('PRAGMA wal_checkpoint(TRUNCATE)');
  const start = performance.now();
  const folded = await bulkFoldFromZero(store, createDefaultProjections(), {
    pageSize: 1000,
    maxRows: Number.POSITIVE_INFINITY,
  });
  if (folded === undefined) throw new Error('expected events to fold');
  const foldedAt = performance.now();
  const marks: number[] = [];
  await db.transaction(async (tx) => {
    for (const { projection } of folded.folds) {
      for (const table of projection.tables)
        await tx.exec(db.dialect === 'postgres' ? `TRUNCATE ${table}` : `DELETE FROM ${table}`);
    }
    marks.push(performance.now());
    for (const { fold } of folded.folds) await fold.write(tx);
    marks.push(performance.now());
  });
  const end = performance.now();
  const [emptied = foldedAt, written = foldedAt] = marks;
  const s = (ms: number): number => Number((ms / 1000).toFixed(3));
  return {
    readDecodeFoldSeconds: s(foldedAt - start),
    emptySeconds: s(emptied - foldedAt),
    insertSeconds: s(written - emptied),
    commitSeconds: s(end - written),
    totalSeconds: s(end - start),
    eventsPerSec: Math.round(head / ((end - start) / 1000)),
  };
};

/** The same rebuild through a second store handle that skips the catalog validation on read. */
const rebuildUnvalidated = async (url: string, head: number): Promise<number> => {
  const store = await createEventStore(url, { validateOnRead: false });
  const projections = await openProjections({ store, storeUrl: url });
  try {
    const t = performance.now();
    await projections.runner.rebuild();
    return Math.round(head / ((performance.now() - t) / 1000));
  } finally {
    await projections.close();
    await store.close();
  }
};

const measure = async (url: string, events: number): Promise<Record<string, unknown>> => {
  const store = await createEventStore(url);
  try {
    const filled = await fill(store, events);
    const head = await store.headPosition();
    const t = performance.now();
    const cpu = process.cpuUsage();
    let read = 0;
    for (let after = 0; ;) {
      const page = await store.readAll({ after, maxCount: 5000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]?.position ?? after;
    }
    const readSeconds = (performance.now() - t) / 1000;
    const readCpuSeconds = cpuSeconds(cpu);
    const projections = await openProjections({ store, storeUrl: url });
    try {
      const bulk = projections.runner;
      // In-run baseline: the batched path (per batch: load touched rows, fold, upsert) that rebuilt before bulk folds.
      const batched = createProjectionRunner({
        store,
        db: projections.db,
        projections: withoutBulk(createDefaultProjections()),
      });
      // Two rounds, alternating, so neither pays alone for JIT warm-up or the fill's WAL checkpoint; round 2 is reported.
      const rounds: Array<{ bulk: Timed; batched: Timed }> = [];
      for (let round = 0; round < 2; round += 1) {
        rounds.push({
          bulk: await timed(projections.db, () => bulk.rebuild()),
          batched: await timed(projections.db, () => batched.rebuild()),
        });
      }
      const [first, last] = [rounds[0], rounds[1]];
      if (first === undefined || last === undefined) throw new Error('expected two rounds');
      const phases = await measurePhases(store, projections.db, head);
      const [candidates] = await projections.db.query('SELECT COUNT(*) AS n FROM read_candidates');
      // The same rebuild fed from memory: what the fold + read-model writes cost without the store's reads. Loaded
      // only now: 200,000 live events make every old-space collection of the rebuilds above slower.
      const all: RecordedEvent[] = [];
      for (let after = 0; ;) {
        const page = await store.readAll({ after, maxCount: 5000 });
        if (page.length === 0) break;
        all.push(...page);
        after = page[page.length - 1]?.position ?? after;
      }
      const fromMemory = createProjectionRunner({
        store: memoryStore(all),
        db: projections.db,
        projections: createDefaultProjections(),
      });
      const applyOnly = await timed(projections.db, () => fromMemory.rebuild());
      const rate = (x: Timed) => ({ perSec: Math.round(head / x.seconds), perCpuSec: Math.round(head / x.cpuSeconds) });
      return {
        ...filled,
        headPosition: head,
        readAllEventsPerSec: Math.round(read / readSeconds),
        readAllEventsPerCpuSec: Math.round(read / readCpuSeconds),
        rebuildSeconds: Number(last.bulk.seconds.toFixed(3)),
        rebuildEventsPerSec: rate(last.bulk).perSec,
        rebuildEventsPerCpuSec: rate(last.bulk).perCpuSec,
        applyOnlyEventsPerSec: rate(applyOnly).perSec,
        applyOnlyEventsPerCpuSec: rate(applyOnly).perCpuSec,
        rebuildBatchedEventsPerSec: rate(last.batched).perSec,
        rebuildBatchedEventsPerCpuSec: rate(last.batched).perCpuSec,
        firstRound: { bulk: rate(first.bulk), batched: rate(first.batched) },
        phases,
        rebuildWithoutReadValidationEventsPerSec: await rebuildUnvalidated(url, head),
        candidateRows: Number(candidates?.n),
        listCandidates: await measureListCandidates(store, projections.db),
      };
    } finally {
      await projections.close();
    }
  } finally {
    await store.close();
  }
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--events');
  const events = at >= 0 ? Number(args[at + 1]) : 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-bench-projections-'));
  const result: Record<string, unknown> = {
    events,
    batchSize: 5000,
    goalEventsPerSec: 200_000,
    loadAverageAtStart: os.loadavg(),
  };
  try {
    result.sqlite = await measure(`sqlite:${join(dir, 'cosearch.db')}`, events);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!args.includes('--no-pg')) {
    const schema = `bench_projections_${process.pid}`;
    try {
      result.postgres = await measure(`${PG_URL}?schema=${schema}`, events);
    } finally {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  result.loadAverageAtEnd = os.loadavg();
  return result;
}
