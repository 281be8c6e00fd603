// A tiny versioned-migration runner for both dialects. Files `<version>_<name>.sql` in a folder are applied in
// name order, each in its own transaction, and recorded in `schema_migrations`. Released files are never edited.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/** Options of applySqliteMigrations / applyPostgresMigrations. */
export interface MigrationOptions {
  /** Only files whose name passes are applied, e.g. the store passes `/_events/`. @default every `*.sql` file */
  filter?: (fileName: string) => boolean;
}

/** Names of the migrations applied by this call, in order (empty when up to date). */
export type MigrationResult = string[];

const listFiles = (dir: string, filter: MigrationOptions['filter']): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.sql') && (filter === undefined || filter(name)))
    .sort();

/**
 * Finds `migrations/<dialect>` of this package from the running file (works from src/ under vitest and from
 * dist/src/ after a build).
 */
export const migrationsDir = (dialect: 'sqlite' | 'postgres'): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = join(dir, 'migrations', dialect);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`expected a migrations/${dialect} folder above ${fileURLToPath(import.meta.url)}, but found none`);
};

/** Applies pending SQL files of `dir` to a better-sqlite3 database. Safe with several processes opening at once. */
export const applySqliteMigrations = (
  db: BetterSqlite3.Database,
  dir: string,
  options: MigrationOptions = {},
): MigrationResult => {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare<[string], { version: string }>(
    'SELECT version FROM schema_migrations WHERE version = ?',
  );
  const record = db.prepare<[string, string]>('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const file of listFiles(dir, options.filter)) {
    if (isApplied.get(file) !== undefined) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    // IMMEDIATE takes the write lock first, so a second process waits and then sees the version recorded.
    db.transaction(() => {
      if (isApplied.get(file) !== undefined) return;
      db.exec(sql);
      record.run(file, new Date().toISOString());
      applied.push(file);
    }).immediate();
  }
  return applied;
};

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Applies pending SQL files of `dir` through one pg client, inside `schema` when given (created if missing; the
 * client's search_path is set to it). A session advisory lock serializes concurrent openers.
 */
export const applyPostgresMigrations = async (
  client: pg.ClientBase,
  dir: string,
  options: MigrationOptions & { schema?: string } = {},
): Promise<MigrationResult> => {
  const lockKey = `cosearch-migrations:${options.schema ?? 'public'}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  const applied: string[] = [];
  try {
    if (options.schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
      await client.query(`SET search_path TO ${quoteIdent(options.schema)}`);
    }
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
    );
    for (const file of listFiles(dir, options.filter)) {
      if (done.has(file)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(join(dir, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
  }
  return applied;
};
