// Runs the store contract against the real PostgreSQL on 127.0.0.1:5432 (database `test`): one schema per test,
// all named after this run, dropped at the end.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, PostgresEventStore } from '../../src/store/index.js';
import { started } from './contractSupport.js';
import { testEventStore } from './eventStoreContract.js';

const SERVER = process.env.COSEARCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `t${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];

const dropSchemas = async (): Promise<void> => {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
};
afterAll(dropSchemas);

testEventStore('postgres', async () => {
  const schema = `store_${run}_${schemas.length}`;
  schemas.push(schema);
  const url = `${SERVER}?schema=${schema}`;
  return {
    url,
    open: () => createEventStore(url, { pollIntervalMs: 100, poolSize: 4 }),
    cleanup: async () => undefined,
  };
});

describe('postgres event store ordering', () => {
  it('makes a later append wait for an in-flight one, so positions commit in order', async () => {
    const schema = `store_${run}_order`;
    schemas.push(schema);
    const store = await createEventStore(`${SERVER}?schema=${schema}`);
    const blocker = new pg.Client({ connectionString: SERVER });
    await blocker.connect();
    try {
      // Simulate an append that holds the lock (has allocated positions) but has not committed yet.
      await blocker.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('cosearch-append:${schema}'))`);
      let done = false;
      const pending = store.append('experiment-o', [started('o')], 'no_stream').then((result) => {
        done = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      expect(await store.headPosition()).toBe(0);
      await blocker.query('COMMIT');
      expect((await pending).position).toBe(1);
    } finally {
      await blocker.end();
      await store.close();
    }
  });
});

describe('postgres event store schema', () => {
  it('creates its schema and records the event migration once when opened twice', async () => {
    const schema = `store_${run}_mig`;
    schemas.push(schema);
    const [a, b] = await Promise.all([
      createEventStore(`${SERVER}?schema=${schema}`),
      createEventStore(`${SERVER}?schema=${schema}`),
    ]);
    try {
      if (!(a instanceof PostgresEventStore)) throw new Error('expected the postgres backend');
      const rows = await a.pool.query('SELECT version FROM schema_migrations');
      expect(rows.rows).toEqual([{ version: '0001_events.sql' }, { version: '0002_events_anchors.sql' }]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
