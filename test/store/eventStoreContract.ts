// The one contract suite every EventStore backend passes: testEventStore(name, factory). Backend files
// (sqliteStore.int.test.ts, postgresStore.int.test.ts, kurrentdbStore.int.test.ts) only supply the factory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyHashChain, type EventStore } from '../../src/store/index.js';
import { collect, meta, reward, started, type StoreFixture, type StoreFixtureFactory } from './contractSupport.js';
import { concurrencyContract } from './eventStoreConcurrencyContract.js';

export type { StoreFixture, StoreFixtureFactory } from './contractSupport.js';

export const testEventStore = (name: string, factory: StoreFixtureFactory): void => {
  describe(`${name} event store contract`, () => {
    let fixture: StoreFixture;
    let store: EventStore;
    beforeEach(async () => {
      fixture = await factory();
      store = await fixture.open();
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    it('appends to a new stream and reads it forwards with revisions, positions and metadata', async () => {
      const events = [started('e1'), reward('e1', 1), reward('e1', 2)];
      const result = await store.append('experiment-e1', events, 'no_stream');
      expect(result.nextExpectedRevision).toBe(2);
      const read = await store.readStream('experiment-e1');
      expect(read.map((event) => event.id)).toEqual(events.map((event) => event.id));
      expect(read.map((event) => event.revision)).toEqual([0, 1, 2]);
      expect(result.position).toBe(read[2]?.position);
      expect(read[0]?.position).toBeLessThan(read[1]?.position ?? 0);
      expect(read[1]?.data).toEqual(events[1]?.data);
      expect(read[0]?.metadata).toMatchObject({ correlationId: 'e1', actor: 'test', schemaVersion: 1, prevHash: '' });
      expect(Date.parse(read[0]?.metadata.recordedAt ?? '')).not.toBeNaN();
      expect(await store.headPosition()).toBe(result.position);
    });

    it('keeps the causationId and reads an unknown stream as empty', async () => {
      const first = started('e2');
      const second = { ...reward('e2', 1), metadata: { ...meta('e2'), causationId: first.id } };
      await store.append('experiment-e2', [first, second], 'any');
      const [, read] = await store.readStream('experiment-e2');
      expect(read?.metadata.causationId).toBe(first.id);
      expect(await store.readStream('experiment-none')).toEqual([]);
    });

    it('rejects a stale expected revision with a typed WrongExpectedRevision error', async () => {
      await store.append('experiment-e3', [started('e3')], 'no_stream');
      await expect(store.append('experiment-e3', [reward('e3', 1)], 'no_stream')).rejects.toMatchObject({
        code: 'CONFLICT',
        name: 'WrongExpectedRevisionError',
        streamId: 'experiment-e3',
        expected: 'no_stream',
        actual: 0,
      });
      await expect(store.append('experiment-e3', [reward('e3', 1)], 5)).rejects.toMatchObject({
        code: 'CONFLICT',
        expected: 5,
        actual: 0,
      });
      await expect(store.append('experiment-new', [reward('e3', 1)], 0)).rejects.toMatchObject({
        code: 'CONFLICT',
        actual: 'no_stream',
      });
      const next = await store.append('experiment-e3', [reward('e3', 1)], 0);
      expect(next.nextExpectedRevision).toBe(1);
      expect((await store.append('experiment-e3', [reward('e3', 2)], 'any')).nextExpectedRevision).toBe(2);
    });

    it('treats a re-append of the same event ids as a no-op returning the stored position', async () => {
      const batch = [started('e4'), reward('e4', 1)];
      const first = await store.append('experiment-e4', batch, 'no_stream');
      const again = await store.append('experiment-e4', batch, 'no_stream');
      expect(again).toEqual(first);
      expect(await store.readStream('experiment-e4')).toHaveLength(2);
      await expect(store.append('experiment-e4', [batch[0]!, reward('e4', 2)], 'any')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(store.append('experiment-e4', [reward('e4', 3), batch[1]!], 'any')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(store.append('experiment-other', batch, 'any')).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await store.readStream('experiment-e4')).toHaveLength(2);
      expect(await store.readStream('experiment-other')).toEqual([]);
    });

    it('reads a stream backwards from a revision with a max count', async () => {
      await store.append('experiment-e5', [started('e5'), ...[1, 2, 3, 4].map((i) => reward('e5', i))], 'no_stream');
      const all = await store.readStream('experiment-e5', { direction: 'backwards' });
      expect(all.map((event) => event.revision)).toEqual([4, 3, 2, 1, 0]);
      const page = await store.readStream('experiment-e5', { direction: 'backwards', fromRevision: 3, maxCount: 2 });
      expect(page.map((event) => event.revision)).toEqual([3, 2]);
      const forwards = await store.readStream('experiment-e5', { fromRevision: 2, maxCount: 2 });
      expect(forwards.map((event) => event.revision)).toEqual([2, 3]);
    });

    it('reads $all by global position forwards and backwards in pages', async () => {
      await store.append('experiment-a', [started('a'), reward('a', 1)], 'no_stream');
      await store.append('experiment-b', [started('b')], 'no_stream');
      await store.append('experiment-a', [reward('a', 2)], 1);
      const all = await store.readAll();
      expect(all.map((event) => `${event.streamId}@${event.revision}`)).toEqual([
        'experiment-a@0',
        'experiment-a@1',
        'experiment-b@0',
        'experiment-a@2',
      ]);
      const page = await store.readAll({ after: all[1]!.position, maxCount: 1 });
      expect(page.map((event) => event.id)).toEqual([all[2]!.id]);
      const backwards = await store.readAll({ direction: 'backwards', maxCount: 3 });
      expect(backwards.map((event) => event.id)).toEqual([all[3]!.id, all[2]!.id, all[1]!.id]);
      const before = await store.readAll({ direction: 'backwards', before: all[1]!.position });
      expect(before.map((event) => event.id)).toEqual([all[0]!.id]);
    });

    it('chains every event of a stream to the previous one by sha256 and detects an edit', async () => {
      await store.append('experiment-h', [started('h'), reward('h', 1)], 'no_stream');
      await store.append('experiment-h', [reward('h', 2)], 1);
      const events = await store.readStream('experiment-h');
      expect(verifyHashChain(events)).toEqual([]);
      expect(events[1]?.metadata.prevHash).toBe(events[0]?.metadata.hash);
      expect(events[0]?.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
      const edited = events.map((event, i) =>
        i === 1 ? { ...event, data: { ...(event.data as object), reward: 99 } } : event,
      );
      expect(verifyHashChain(edited)).toEqual([{ revision: 1, eventId: events[1]?.id, problem: 'hash mismatch' }]);
    });

    it('rejects invalid data with BAD_USER_INPUT naming the event and field, and leaves the store unchanged', async () => {
      await store.append('experiment-v', [started('v')], 'no_stream');
      const head = await store.headPosition();
      const bad = { ...reward('v', 2), data: { experimentId: 'v', candidateId: 'c2', reward: 'high', reason: 'x' } };
      await expect(store.append('experiment-v', [reward('v', 1), bad], 0)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/RewardAssigned.*data\.reward/),
      });
      await expect(store.append('experiment-v', [{ ...reward('v', 3), type: 'Unheard' }], 0)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
      expect(await store.headPosition()).toBe(head);
      expect(await store.readStream('experiment-v')).toHaveLength(1);
    });

    it('subscribes to $all from a position: catches up, then delivers live events, filtered by stream prefix', async () => {
      await store.append('experiment-s', [started('s'), reward('s', 1)], 'no_stream');
      await store.append('other-s', [started('x')], 'no_stream');
      const [first] = await store.readAll({ maxCount: 1 });
      const subscription = store.subscribeToAll({ after: first!.position, streamPrefix: 'experiment-' });
      const pending = collect(subscription, 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append('experiment-s', [reward('s', 2), reward('s', 3)], 1);
      const received = await pending;
      expect(received.map((event) => event.revision)).toEqual([1, 2, 3]);
      expect(received.every((event) => event.streamId === 'experiment-s')).toBe(true);
    });

    it('ends the iteration when a subscription is closed', async () => {
      const subscription = store.subscribeToAll();
      const done = (async () => {
        const seen = [];
        for await (const event of subscription) seen.push(event);
        return seen;
      })();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await subscription.close();
      expect(await done).toEqual([]);
    });

    concurrencyContract(
      () => fixture,
      () => store,
    );
  });
};
