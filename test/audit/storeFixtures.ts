// Test fixtures for audit: real SQLite files and PostgreSQL schemas, plus raw SQL access for tampering.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore, SqliteEventStore } from '../../src/store/index.js';
import type { EventStore } from '../../src/store/index.js';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store plus a way to run raw SQL against its events table, and a cleanup. */
export interface TamperableStore {
  store: EventStore;
  /** Runs SQL with `?` placeholders directly on the backend's tables (bypassing the store). */
  sql(text: string, params?: unknown[]): Promise<void>;
  /** Opens a second store on the same file or schema (closed by dispose), e.g. after changing its tables. */
  reopen(): Promise<EventStore>;
  dispose(): Promise<void>;
}

export const sqliteFixture = async (): Promise<TamperableStore> => {
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-audit-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  const opened: EventStore[] = [];
  return {
    store,
    sql: async (text, params = []) => {
      store.db.prepare(text).run(...params);
    },
    reopen: async () => {
      const again = new SqliteEventStore(join(dir, 'events.db'));
      opened.push(again);
      return again;
    },
    dispose: async () => {
      for (const again of opened) await again.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const postgresFixture = async (): Promise<TamperableStore> => {
  const schema = `audit_${process.pid}_${Math.floor(performance.now() * 1000) % 1_000_000}`;
  const store = await PostgresEventStore.open(PG_URL, { schema });
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  const opened: EventStore[] = [];
  return {
    store,
    reopen: async () => {
      const again = await PostgresEventStore.open(PG_URL, { schema });
      opened.push(again);
      return again;
    },
    sql: async (text, params = []) => {
      let n = 0;
      await client.query(
        text.replace(/\?/g, () => `$${(n += 1)}`),
        params,
      );
    },
    dispose: async () => {
      for (const again of opened) await again.close();
      await store.close();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
};

export const backends: Array<[string, () => Promise<TamperableStore>]> = [
  ['SQLite', sqliteFixture],
  ['PostgreSQL', postgresFixture],
];
