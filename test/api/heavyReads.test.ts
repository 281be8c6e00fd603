// The cache and per-client cap of stream-reading fields, over an in-memory stand-in for the store's stream heads.
import { describe, expect, it } from 'vitest';
import { createHeavyReads, DEFAULT_HEAVY_READ_LIMITS } from '../../src/api/heavyReads.js';
import type { EventStore, RecordedEvent } from '../../src/store/index.js';

const storeWithHead = (heads: Map<string, number>): EventStore => ({
  kind: 'fake',
  readStream: async (streamId) => {
    const position = heads.get(streamId);
    return position === undefined ? [] : [{ position } as RecordedEvent];
  },
  append: async () => {
    throw new Error('not used');
  },
  readAll: async () => [],
  subscribeToAll: () => {
    throw new Error('not used');
  },
  headPosition: async () => 0,
  close: async () => undefined,
});

const counting = () => {
  let calls = 0;
  return {
    read: async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return calls;
    },
    calls: () => calls,
  };
};

describe('heavy reads', () => {
  it('serves a repeat on the same stream head from the cache and reads again once the head moves', async () => {
    const heads = new Map([['s', 10]]);
    const heavy = createHeavyReads(storeWithHead(heads), DEFAULT_HEAVY_READ_LIMITS);
    const { read, calls } = counting();
    expect(await heavy.run('alice', 's', 'audit', read)).toBe(1);
    expect(await heavy.run('bob', 's', 'audit', read)).toBe(1);
    heads.set('s', 11);
    expect(await heavy.run('alice', 's', 'audit', read)).toBe(2);
    expect(calls()).toBe(2);
  });

  it('shares one read among forty identical calls in flight', async () => {
    const heavy = createHeavyReads(storeWithHead(new Map([['s', 3]])), DEFAULT_HEAVY_READ_LIMITS);
    const { read, calls } = counting();
    const results = await Promise.all(Array.from({ length: 40 }, () => heavy.run('alice', 's', 'audit', read)));
    expect(new Set(results)).toEqual(new Set([1]));
    expect(calls()).toBe(1);
  });

  it("rejects a client's third concurrent distinct read with BAD_USER_INPUT, while another client still gets in", async () => {
    const heavy = createHeavyReads(
      storeWithHead(
        new Map([
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ]),
      ),
      DEFAULT_HEAVY_READ_LIMITS,
    );
    const { read } = counting();
    const mine = ['a', 'b', 'c'].map((s) => heavy.run('alice', s, 'audit', read));
    const theirs = heavy.run('bob', 'c', 'audit:other', read);
    const settled = await Promise.allSettled([...mine, theirs]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { limit: 'concurrency' },
    });
  });

  it('runs at most maxConcurrent reads at once over all clients', async () => {
    const heavy = createHeavyReads(storeWithHead(new Map()), { ...DEFAULT_HEAVY_READ_LIMITS, maxConcurrent: 2 });
    let running = 0;
    let peak = 0;
    const read = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    };
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((client) => heavy.run(client, undefined, 'x', read)));
    expect(peak).toBe(2);
  });

  it('does not keep a failed read in the cache', async () => {
    const heavy = createHeavyReads(storeWithHead(new Map([['s', 1]])), DEFAULT_HEAVY_READ_LIMITS);
    await expect(
      heavy.run('alice', 's', 'k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await heavy.run('alice', 's', 'k', async () => 7)).toBe(7);
  });
});
