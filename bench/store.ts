// Event store benchmark: appends/s (batched and single) and `$all` read events/s for SQLite and PostgreSQL over
// at least 200,000 events, plus `$all` over realistic experiment events (syntheticExperiment: nested candidates,
// per-layer arrays) in the default, 'strict' and unvalidated read modes.
// `npm run build && npm run bench -- store [--events N] [--batch N] [--realistic N] [--no-postgres]`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { syntheticExperiment } from '../src/audit/index.js';
import { newEvent } from '../src/events/index.js';
import { createEventStore, type EventStore, type EventToAppend } from '../src/store/index.js';

const PG_SERVER = process.env.COSEARCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

const argValue = (args: string[], name: string, fallback: number): number => {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Event ids: newEvent's default (time-ordered UUIDv7) or random v4 UUIDs, which land on random index pages. */
type IdKind = 'time-ordered' | 'random';

const epoch = (stream: string, i: number, ids: IdKind = 'time-ordered'): EventToAppend =>
  newEvent(
    'EpochCompleted',
    {
      experimentId: stream,
      candidateId: `c${i % 97}`,
      epoch: i,
      loss: 1 / (i + 1),
      trainAccuracy: 0.5,
      valAccuracy: 0.4,
      imagesPerSec: 812.5,
    },
    { correlationId: stream, actor: 'bench' },
    ids === 'random' ? { id: randomUUID() } : {},
  );

const perSecond = (count: number, startedNs: bigint): number =>
  Math.round(count / (Number(process.hrtime.bigint() - startedNs) / 1e9));

/** Runs `phase` and also reports events per second of this process's CPU time (wall time suffers on a busy host). */
const timed = async (count: number, phase: () => Promise<number>): Promise<{ perSec: number; perCpuSec: number }> => {
  const cpu = process.cpuUsage();
  const perSec = await phase();
  const used = process.cpuUsage(cpu);
  return { perSec, perCpuSec: Math.round(count / ((used.user + used.system) / 1e6)) };
};

/** Batched appends: `total` events in batches of `batch`, spread over streams of 10 batches each. */
const appendBatched = async (
  store: EventStore,
  total: number,
  batch: number,
  ids: IdKind = 'time-ordered',
): Promise<number> => {
  const batches = Array.from({ length: Math.ceil(total / batch) }, (_, b) =>
    Array.from({ length: Math.min(batch, total - b * batch) }, (_, i) =>
      epoch(`bench-${Math.floor(b / 10)}`, b * batch + i, ids),
    ),
  );
  const revisions = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (const [b, events] of batches.entries()) {
    const stream = `bench-${Math.floor(b / 10)}`;
    const result = await store.append(stream, events, revisions.get(stream) ?? 'no_stream');
    revisions.set(stream, result.nextExpectedRevision);
  }
  return perSecond(total, started);
};

/** One event per append, each with an exact expected revision (the common writer path). */
const appendSingle = async (store: EventStore, total: number): Promise<number> => {
  const events = Array.from({ length: total }, (_, i) => epoch('single', i));
  const started = process.hrtime.bigint();
  for (const [i, event] of events.entries()) await store.append('single', [event], i === 0 ? 'no_stream' : i - 1);
  return perSecond(total, started);
};

/** Pages through `$all` from position 0 (1000 per page, validated against the catalog on read). */
const readAll = async (store: EventStore): Promise<{ events: number; eventsPerSec: number }> => {
  const started = process.hrtime.bigint();
  let after = 0;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) break;
    events += page.length;
    after = page[page.length - 1]?.position ?? after;
  }
  return { events, eventsPerSec: perSecond(events, started) };
};

type Open = (validateOnRead: boolean | 'strict') => Promise<EventStore>;

/** Appends a synthetic experiment of about `count` realistic events, then reads `$all` in each read mode. */
const measureRealistic = async (open: Open, count: number) => {
  const writer = await open(true);
  const strict = await open('strict');
  const raw = await open(false);
  try {
    const experimentId = '00000000-0000-4000-8000-0000realistic';
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: Math.ceil(count / 6.9), epochs: 3 });
    for (let i = 0; i < events.length; i += 1000)
      await writer.append(streamId, events.slice(i, i + 1000), i === 0 ? 'no_stream' : i - 1);
    let read = { events: 0, eventsPerSec: 0 };
    const cpu = await timed(events.length, async () => (read = await readAll(writer)).eventsPerSec);
    let strictRead = { events: 0, eventsPerSec: 0 };
    const strictCpu = await timed(events.length, async () => (strictRead = await readAll(strict)).eventsPerSec);
    return {
      events: read.events,
      readAllEventsPerSec: read.eventsPerSec,
      readAllEventsPerClientCpuSec: cpu.perCpuSec,
      readAllStrictEventsPerSec: strictRead.eventsPerSec,
      readAllStrictEventsPerClientCpuSec: strictCpu.perCpuSec,
      readAllUnvalidatedEventsPerSec: (await readAll(raw)).eventsPerSec,
      loadAverage1m: loadavg()[0],
    };
  } finally {
    await raw.close();
    await strict.close();
    await writer.close();
  }
};

const measure = async (open: Open, openRandomIds: Open, total: number, batch: number, single: number) => {
  const store = await open(true);
  const raw = await open(false);
  const strict = await open('strict');
  try {
    const batched = await timed(total, () => appendBatched(store, total, batch));
    const singles = await timed(single, () => appendSingle(store, single));
    let read = { events: 0, eventsPerSec: 0 };
    const readCpu = await timed(total + single, async () => (read = await readAll(store)).eventsPerSec);
    const readUnvalidated = await readAll(raw);
    let strictRead = { events: 0, eventsPerSec: 0 };
    const strictCpu = await timed(total + single, async () => (strictRead = await readAll(strict)).eventsPerSec);
    const randomIds = await openRandomIds(true);
    const batchedRandom = await timed(total, () => appendBatched(randomIds, total, batch, 'random')).finally(() =>
      randomIds.close(),
    );
    return {
      events: total + single,
      batchSize: batch,
      ids: 'time-ordered UUIDv7 (newEvent default); batchedRandomId*: the same batches with random v4 UUIDs in a fresh target',
      batchedAppendsPerSec: batched.perSec,
      batchedAppendsPerClientCpuSec: batched.perCpuSec,
      batchedRandomIdAppendsPerSec: batchedRandom.perSec,
      batchedRandomIdAppendsPerClientCpuSec: batchedRandom.perCpuSec,
      singleAppends: single,
      singleAppendsPerSec: singles.perSec,
      readAllEventsPerSec: read.eventsPerSec,
      readAllEventsPerClientCpuSec: readCpu.perCpuSec,
      readAllUnvalidatedEventsPerSec: readUnvalidated.eventsPerSec,
      readAllEvents: read.events,
      // 'strict' re-validates every event with zod on read: the session-1 default, for a same-run ratio.
      readAllStrictEventsPerSec: strictRead.eventsPerSec,
      readAllStrictEventsPerClientCpuSec: strictCpu.perCpuSec,
      loadAverage1m: loadavg()[0],
    };
  } finally {
    await strict.close();
    await raw.close();
    await store.close();
  }
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const total = argValue(args, '--events', 200_000);
  const batch = argValue(args, '--batch', 1000);
  const realistic = argValue(args, '--realistic', 50_000);
  const result: Record<string, unknown> = {
    goals: { sqliteBatchedAppendsPerSec: 50_000, postgresBatchedAppendsPerSec: 10_000 },
    // The host is shared: a load average far above the core count makes wall-clock rates pessimistic.
    loadAverageAtStart: loadavg(),
  };

  const dir = mkdtempSync(join(tmpdir(), 'cosearch-bench-'));
  try {
    const url = `sqlite:${join(dir, 'bench.db')}`;
    const randomIdsUrl = `sqlite:${join(dir, 'random-ids.db')}`;
    result.sqlite = await measure(
      (validateOnRead) => createEventStore(url, { validateOnRead }),
      (validateOnRead) => createEventStore(randomIdsUrl, { validateOnRead }),
      total,
      batch,
      argValue(args, '--single', 20_000),
    );
    const realisticUrl = `sqlite:${join(dir, 'realistic.db')}`;
    result.sqliteRealistic = await measureRealistic(
      (validateOnRead) => createEventStore(realisticUrl, { validateOnRead }),
      realistic,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (!args.includes('--no-postgres')) {
    const schema = `bench_${process.pid}`;
    try {
      const url = `${PG_SERVER}?schema=${schema}`;
      const randomIdsUrl = `${PG_SERVER}?schema=${schema}_random`;
      result.postgres = await measure(
        (validateOnRead) => createEventStore(url, { validateOnRead }),
        (validateOnRead) => createEventStore(randomIdsUrl, { validateOnRead }),
        total,
        batch,
        argValue(args, '--single-pg', 1_000),
      );
      const realisticUrl = `${PG_SERVER}?schema=${schema}_realistic`;
      result.postgresRealistic = await measureRealistic(
        (validateOnRead) => createEventStore(realisticUrl, { validateOnRead }),
        realistic,
      );
    } finally {
      const client = new pg.Client({ connectionString: PG_SERVER });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_realistic CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_random CASCADE`);
      await client.end();
    }
  }
  result.loadAverageAtEnd = loadavg();
  return result;
}
