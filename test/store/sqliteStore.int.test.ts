// Runs the store contract against the SQLite backend: a fresh temp file per test, opened by several connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventStore, SqliteEventStore } from '../../src/store/index.js';
import { testEventStore } from './eventStoreContract.js';

testEventStore('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-store-'));
  const url = `sqlite:${join(dir, 'events.db')}`;
  return {
    url,
    // better-sqlite3 is synchronous, so in-process instances never overlap inside a transaction; processes do.
    processRace: true,
    open: () => createEventStore(url, { pollIntervalMs: 20 }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('sqlite event store file', () => {
  it('opens in WAL mode with the event migration recorded in schema_migrations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosearch-store-'));
    const store = await createEventStore(`sqlite:${join(dir, 'x.db')}`);
    try {
      if (!(store instanceof SqliteEventStore)) throw new Error('expected the sqlite backend');
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = store.db.prepare('SELECT version FROM schema_migrations').all();
      expect(versions).toEqual([{ version: '0001_events.sql' }, { version: '0002_events_anchors.sql' }]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
