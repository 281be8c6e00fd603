// Runs the store contract against the real PostgreSQL on 127.0.0.1:5432 (database `test`): one schema per test,
// all named after this run, dropped at the end.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, PostgresEventStore } from '../../src/store/index.js';
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
  return { url, open: () => createEventStore(url, { pollIntervalMs: 100, poolSize: 4 }), cleanup: async () => undefined };
});

describe('postgres event store schema', () => {
  it('creates its schema and records the event migration once when opened twice', async () => {
    const schema = `store_${run}_mig`;
    schemas.push(schema);
    const [a, b] = await Promise.all([createEventStore(`${SERVER}?schema=${schema}`), createEventStore(`${SERVER}?schema=${schema}`)]);
    try {
      if (!(a instanceof PostgresEventStore)) throw new Error('expected the postgres backend');
      const rows = await a.pool.query('SELECT version FROM schema_migrations');
      expect(rows.rows).toEqual([{ version: '0001_events.sql' }]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
