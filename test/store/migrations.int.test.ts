// The shared migration runner on a real SQLite file and a real PostgreSQL schema: name order, filter, run once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPostgresMigrations, applySqliteMigrations } from '../../src/store/index.js';

const SERVER = process.env.COSEARCH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cosearch-mig-'));
  writeFileSync(join(dir, '0002_more.sql'), 'ALTER TABLE a ADD COLUMN note TEXT;');
  writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
  writeFileSync(join(dir, '0003_skip.sql'), 'THIS IS NOT SQL;');
  writeFileSync(join(dir, 'README.txt'), 'not a migration');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notSkip = (name: string): boolean => !name.includes('skip');

describe('migration runner', () => {
  it('applies sqlite files in name order, once, recording each version', () => {
    const db = new Database(join(dir, 'm.db'));
    try {
      expect(applySqliteMigrations(db, dir, { filter: notSkip })).toEqual(['0001_first.sql', '0002_more.sql']);
      expect(applySqliteMigrations(db, dir, { filter: notSkip })).toEqual([]);
      db.prepare('INSERT INTO a (id, note) VALUES (1, ?)').run('ok');
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toHaveLength(2);
    } finally {
      db.close();
    }
  });

  it('rolls back a failing sqlite migration and leaves it unrecorded', () => {
    const db = new Database(join(dir, 'f.db'));
    try {
      expect(() => applySqliteMigrations(db, dir)).toThrow();
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
        { version: '0001_first.sql' },
        { version: '0002_more.sql' },
      ]);
    } finally {
      db.close();
    }
  });

  it('applies postgres files inside a fresh schema, once', async () => {
    const schema = `mig_${process.pid}_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    try {
      expect(await applyPostgresMigrations(client, dir, { schema, filter: notSkip })).toEqual([
        '0001_first.sql',
        '0002_more.sql',
      ]);
      expect(await applyPostgresMigrations(client, dir, { schema, filter: notSkip })).toEqual([]);
      await client.query(`INSERT INTO ${schema}.a (id, note) VALUES (1, 'ok')`);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
