// The read path's validation modes on real SQLite files and PostgreSQL schemas: old schema versions are upcast on the
// default (fast) path, current-version rows are returned as stored, 'strict' re-validates, and edits stay detectable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerEvent, registerUpcaster } from '../../src/events/index.js';
import { createEventStore, verifyHashChain, type EventStore, type SqliteEventStore } from '../../src/store/index.js';
import { meta, reward, started } from './contractSupport.js';

const SERVER = process.env.COSEARCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Opens stores on one target with a chosen validateOnRead, and runs raw SQL (`?` placeholders) on its events. */
interface Target {
  open(validateOnRead?: boolean | 'strict'): Promise<EventStore>;
  sql(text: string, params: unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

const sqliteTarget = async (): Promise<Target> => {
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-readmode-'));
  const url = `sqlite:${join(dir, 'events.db')}`;
  const raw = (await createEventStore(url)) as SqliteEventStore;
  return {
    open: (validateOnRead) => createEventStore(url, validateOnRead === undefined ? {} : { validateOnRead }),
    sql: async (text, params) => {
      raw.db.prepare(text).run(...params);
    },
    cleanup: async () => {
      await raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const postgresTarget = async (): Promise<Target> => {
  const schema = `readmode_${process.pid}_${Math.floor(performance.now() * 1000) % 1_000_000}`;
  const url = `${SERVER}?schema=${schema}`;
  const client = new pg.Client({ connectionString: SERVER, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    open: (validateOnRead) =>
      createEventStore(url, { poolSize: 2, ...(validateOnRead === undefined ? {} : { validateOnRead }) }),
    sql: async (text, params) => {
      let n = 0;
      await client.query(
        text.replace(/\?/g, () => `$${(n += 1)}`),
        params,
      );
    },
    cleanup: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
};

const targets: Array<[string, () => Promise<Target>]> = [
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
];

describe.each(targets)('%s read validation', (name, makeTarget) => {
  it('upcasts an event stored at an old schemaVersion on the default read path, and leaves it as stored with validateOnRead false', async () => {
    const target = await makeTarget();
    const type = `TestLutsMeasured${name}`;
    const stores: EventStore[] = [];
    try {
      registerEvent({ type, schemaVersion: 1, data: z.object({ sum: z.number() }) });
      const writer = await target.open();
      stores.push(writer);
      await writer.append(
        'widget-1',
        [{ id: crypto.randomUUID(), type, data: { sum: 7 }, metadata: meta('w') }],
        'no_stream',
      );
      // A later release renames the field: version 2 plus an upcaster from 1.
      registerEvent({ type, schemaVersion: 2, data: z.object({ totalLuts: z.number() }) });
      registerUpcaster(type, 1, (data) => ({ totalLuts: (data as { sum: number }).sum }));
      await writer.append(
        'widget-1',
        [{ id: crypto.randomUUID(), type, data: { totalLuts: 9 }, metadata: meta('w') }],
        0,
      );

      const [old, current] = await writer.readStream('widget-1');
      expect(old).toMatchObject({ data: { totalLuts: 7 }, metadata: { schemaVersion: 2, upcastedFrom: 1 } });
      expect(current).toMatchObject({ data: { totalLuts: 9 }, metadata: { schemaVersion: 2 } });
      expect(current?.metadata.upcastedFrom).toBeUndefined();
      expect((await writer.readAll()).map((event) => event.data)).toEqual([{ totalLuts: 7 }, { totalLuts: 9 }]);

      const raw = await target.open(false);
      stores.push(raw);
      const asStored = await raw.readStream('widget-1');
      expect(asStored[0]).toMatchObject({ data: { sum: 7 }, metadata: { schemaVersion: 1 } });
      expect(verifyHashChain(asStored)).toEqual([]);
    } finally {
      for (const store of stores) await store.close();
      await target.cleanup();
    }
  });

  it('returns a current-version row edited in SQL as stored by default, rejects it in strict mode, and its hash names the edit', async () => {
    const target = await makeTarget();
    const stores: EventStore[] = [];
    try {
      const writer = await target.open();
      stores.push(writer);
      const events = [started('t'), reward('t', 1), reward('t', 2)];
      await writer.append('experiment-t', events, 'no_stream');
      const victim = events[1]!;
      await target.sql('UPDATE events SET data = ? WHERE id = ?', [
        JSON.stringify({ ...victim.data, reward: 'huge' }),
        victim.id,
      ]);

      const read = await writer.readStream('experiment-t');
      expect(read[1]?.data).toMatchObject({ reward: 'huge' });
      expect(verifyHashChain(read)).toEqual([{ revision: 1, eventId: victim.id, problem: 'hash mismatch' }]);

      const strict = await target.open('strict');
      stores.push(strict);
      await expect(strict.readStream('experiment-t')).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/RewardAssigned.*data\.reward/),
      });
      await expect(strict.readAll()).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    } finally {
      for (const store of stores) await store.close();
      await target.cleanup();
    }
  });
});
