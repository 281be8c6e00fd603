// Event store benchmark: appends/s (batched and single) and `$all` read events/s for SQLite and PostgreSQL over
// at least 200,000 events. `npm run build && npm run bench -- store [--events N] [--batch N] [--no-postgres]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { newEvent } from '../src/events/index.js';
import { createEventStore, type EventStore, type EventToAppend } from '../src/store/index.js';

const PG_SERVER = process.env.COSEARCH_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

const argValue = (args: string[], name: string, fallback: number): number => {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const epoch = (stream: string, i: number): EventToAppend =>
  newEvent(
    'EpochCompleted',
    { experimentId: stream, candidateId: `c${i % 97}`, epoch: i, loss: 1 / (i + 1), trainAccuracy: 0.5, valAccuracy: 0.4, imagesPerSec: 812.5 },
    { correlationId: stream, actor: 'bench' },
  );

const perSecond = (count: number, startedNs: bigint): number => Math.round(count / (Number(process.hrtime.bigint() - startedNs) / 1e9));

/** Runs `phase` and also reports events per second of this process's CPU time (wall time suffers on a busy host). */
const timed = async (count: number, phase: () => Promise<number>): Promise<{ perSec: number; perCpuSec: number }> => {
  const cpu = process.cpuUsage();
  const perSec = await phase();
  const used = process.cpuUsage(cpu);
  return { perSec, perCpuSec: Math.round(count / ((used.user + used.system) / 1e6)) };
};

/** Batched appends: `total` events in batches of `batch`, spread over streams of 10 batches each. */
const appendBatched = async (store: EventStore, total: number, batch: number): Promise<number> => {
  const batches = Array.from({ length: Math.ceil(total / batch) }, (_, b) =>
    Array.from({ length: Math.min(batch, total - b * batch) }, (_, i) => epoch(`bench-${Math.floor(b / 10)}`, b * batch + i)));
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

const measure = async (open: (validateOnRead: boolean) => Promise<EventStore>, total: number, batch: number, single: number) => {
  const store = await open(true);
  const raw = await open(false);
  try {
    const batched = await timed(total, () => appendBatched(store, total, batch));
    const singles = await timed(single, () => appendSingle(store, single));
    let read = { events: 0, eventsPerSec: 0 };
    const readCpu = await timed(total + single, async () => (read = await readAll(store)).eventsPerSec);
    const readUnvalidated = await readAll(raw);
    return {
      events: total + single, batchSize: batch,
      batchedAppendsPerSec: batched.perSec, batchedAppendsPerClientCpuSec: batched.perCpuSec,
      singleAppends: single, singleAppendsPerSec: singles.perSec,
      readAllEventsPerSec: read.eventsPerSec, readAllEventsPerClientCpuSec: readCpu.perCpuSec,
      readAllUnvalidatedEventsPerSec: readUnvalidated.eventsPerSec, readAllEvents: read.events,
    };
  } finally {
    await raw.close();
    await store.close();
  }
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const total = argValue(args, '--events', 200_000);
  const batch = argValue(args, '--batch', 1000);
  const result: Record<string, unknown> = {
    goals: { sqliteBatchedAppendsPerSec: 50_000, postgresBatchedAppendsPerSec: 10_000 },
    // The host is shared: a load average far above the core count makes wall-clock rates pessimistic.
    loadAverageAtStart: loadavg(),
  };

  const dir = mkdtempSync(join(tmpdir(), 'cosearch-bench-'));
  try {
    const url = `sqlite:${join(dir, 'bench.db')}`;
    result.sqlite = await measure((validateOnRead) => createEventStore(url, { validateOnRead }), total, batch, argValue(args, '--single', 20_000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (!args.includes('--no-postgres')) {
    const schema = `bench_${process.pid}`;
    try {
      const url = `${PG_SERVER}?schema=${schema}`;
      result.postgres = await measure((validateOnRead) => createEventStore(url, { validateOnRead }), total, batch, argValue(args, '--single-pg', 1_000));
    } finally {
      const client = new pg.Client({ connectionString: PG_SERVER });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  result.loadAverageAtEnd = loadavg();
  return result;
}
