// Concurrency and crash part of the store contract: racing appenders on one stream (instances and processes),
// a $all subscriber under 8 concurrent writers, and a SIGKILL in the middle of a large batch append.
import { expect, it } from 'vitest';
import { isWrongExpectedRevisionError, type EventStore } from '../../src/store/index.js';
import { collect, reward, runChild, spawnChild, started, waitForLine, type StoreFixture } from './contractSupport.js';

const REVISIONS = 40;
// Fewer for processes: 8 node start-ups on 2 cores already take seconds.
const PROCESS_REVISIONS = 16;

/** Each racer loops: read the head, try to append the next revision, count a win or a typed loss. */
const race = async (store: EventStore, streamId: string, name: string): Promise<{ wins: number[]; losses: number }> => {
  const wins: number[] = [];
  let losses = 0;
  for (;;) {
    const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const revision = (last?.revision ?? -1) + 1;
    if (revision >= REVISIONS) return { wins, losses };
    const event = {
      ...reward(streamId, revision),
      data: { experimentId: streamId, candidateId: name, reward: revision, reason: name },
    };
    try {
      await store.append(streamId, [event], revision === 0 ? 'no_stream' : revision - 1);
      wins.push(revision);
    } catch (error) {
      if (!isWrongExpectedRevisionError(error)) throw error;
      losses += 1;
    }
  }
};

const expectOneWinnerPerRevision = async (
  store: EventStore,
  streamId: string,
  results: Array<{ name: string; wins: number[] }>,
  revisions = REVISIONS,
) => {
  const events = await store.readStream(streamId);
  expect(events.map((event) => event.revision)).toEqual(Array.from({ length: revisions }, (_, i) => i));
  const winners = results.flatMap((result) => result.wins.map((revision) => ({ revision, name: result.name })));
  expect(winners).toHaveLength(revisions);
  for (const { revision, name } of winners)
    expect((events[revision]?.data as { candidateId: string }).candidateId).toBe(name);
};

export const concurrencyContract = (fixture: () => StoreFixture, store: () => EventStore): void => {
  it('lets exactly one of 8 concurrent store instances win each revision of one stream; the others get WrongExpectedRevision', async () => {
    const stores = await Promise.all(Array.from({ length: 8 }, () => fixture().open()));
    try {
      const results = await Promise.all(
        stores.map(async (racer, i) => ({ name: `r${i}`, ...(await race(racer, 'experiment-race', `r${i}`)) })),
      );
      await expectOneWinnerPerRevision(store(), 'experiment-race', results);
      expect(results.reduce((sum, result) => sum + result.losses, 0)).toBeGreaterThan(0);
    } finally {
      await Promise.all(stores.map((racer) => racer.close()));
    }
  });

  it('lets exactly one of 8 racing processes win each revision of one stream', async (context) => {
    const url = fixture().url;
    if (url === undefined || fixture().processRace !== true) return context.skip();
    const outputs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runChild(['race', url, 'experiment-procs', String(PROCESS_REVISIONS), `p${i}`]),
      ),
    );
    const results = outputs.map(
      (output) => JSON.parse(output.trim()) as { name: string; wins: number[]; losses: number },
    );
    await expectOneWinnerPerRevision(store(), 'experiment-procs', results, PROCESS_REVISIONS);
  });

  it('delivers every event exactly once and in position order to a $all subscriber while 8 writers append to 8 streams', async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, () => fixture().open()));
    const perWriter = 30;
    const subscription = store().subscribeToAll();
    try {
      const total = 8 * (1 + perWriter);
      const received = collect(subscription, total, 30_000);
      await Promise.all(
        writers.map(async (writer, w) => {
          const streamId = `experiment-w${w}`;
          let revision = (await writer.append(streamId, [started(`w${w}`)], 'no_stream')).nextExpectedRevision;
          for (let i = 0; i < perWriter; i += (i % 3) + 1) {
            const batch = Array.from({ length: (i % 3) + 1 }, (_, k) => reward(`w${w}`, i + k)).slice(0, perWriter - i);
            revision = (await writer.append(streamId, batch, revision)).nextExpectedRevision;
          }
        }),
      );
      const events = await received;
      const positions = events.map((event) => event.position);
      expect(new Set(events.map((event) => event.id)).size).toBe(total);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(total);
      const stored = await store().readAll({ maxCount: total + 10 });
      expect(events.map((event) => event.id)).toEqual(stored.map((event) => event.id));
    } finally {
      await subscription.close();
      await Promise.all(writers.map((writer) => writer.close()));
    }
  });

  it('leaves each batch fully present or fully absent when the appending process is SIGKILLed mid-batch', async (context) => {
    const url = fixture().url;
    if (url === undefined) return context.skip();
    const batchSize = 5000;
    const child = spawnChild(['batches', url, 'experiment-kill', String(batchSize), '200']);
    await waitForLine(child, /done 1\n/);
    // Kill at a random moment inside a later batch: the child appends batches back to back.
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 40)));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const after = await fixture().open();
    try {
      const counts: number[] = [];
      for (let batch = 0; batch < 200; batch += 1) {
        const events = await after.readStream(`experiment-kill-${batch}`, { direction: 'backwards', maxCount: 1 });
        counts.push(events.length === 0 ? 0 : (events[0]?.revision ?? 0) + 1);
      }
      expect(counts.every((count) => count === 0 || count === batchSize)).toBe(true);
      const complete = counts.filter((count) => count === batchSize).length;
      expect(complete).toBeGreaterThanOrEqual(2);
      expect(counts.slice(0, complete).every((count) => count === batchSize)).toBe(true);
      const all = await after.readStream(`experiment-kill-${complete - 1}`);
      expect(all.map((event) => event.revision)).toEqual(Array.from({ length: batchSize }, (_, i) => i));
    } finally {
      await after.close();
    }
  });
};
