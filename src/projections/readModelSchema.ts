// Self-healing read-model tables: compares the tables in the database with what the read-model migrations create,
// and when one is missing or has other columns, drops them all and runs the migrations again (the log rebuilds them).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrationsDir } from '../store/index.js';
import { assertIdentifier, type SqlDatabase, type SqlExecutor } from './sqlDatabase.js';

/** Read-model migration files: `migrations/<dialect>/<n>_read_models*.sql`. */
export const isReadModelMigration = (name: string): boolean => /^\d+_read_models/.test(name);

/** One read-model table that does not look the way the migrations make it. */
export interface ReadModelSchemaProblem {
  table: string;
  problem: 'missing' | 'wrong shape';
  /** e.g. "lacks reward; has extra" */
  detail: string;
}

const migrationFiles = (dialect: 'sqlite' | 'postgres'): Array<{ name: string; sql: string }> => {
  const dir = migrationsDir(dialect);
  return readdirSync(dir)
    .filter(isReadModelMigration)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
};

let expected: Map<string, string[]> | undefined;

/**
 * The tables and columns the read-model migrations create, found by running them on a scratch in-memory SQLite
 * database. The PostgreSQL files create the same names (test/projections/readModelSchema.int.test.ts checks both).
 */
export const expectedReadModelColumns = (): Map<string, string[]> => {
  if (expected !== undefined) return expected;
  const scratch = new Database(':memory:');
  try {
    for (const { sql } of migrationFiles('sqlite')) scratch.exec(sql);
    expected = columnsOf(scratch.prepare<[], { tbl: string; col: string }>(SQLITE_COLUMNS).all());
  } finally {
    scratch.close();
  }
  return expected;
};

const SQLITE_COLUMNS = `SELECT m.name AS tbl, p.name AS col FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`;
const POSTGRES_COLUMNS = `SELECT table_name AS tbl, column_name AS col FROM information_schema.columns WHERE table_schema = current_schema()`;

const columnsOf = (rows: ReadonlyArray<{ tbl: string; col: string }>): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const { tbl, col } of rows) out.set(tbl, [...(out.get(tbl) ?? []), col]);
  for (const cols of out.values()) cols.sort();
  return out;
};

/** Every read-model table that is missing or whose columns differ from the migrations'. Empty: all well. */
export const checkReadModelSchema = async (db: SqlExecutor): Promise<ReadModelSchemaProblem[]> => {
  const actual = columnsOf(
    await db.query<{ tbl: string; col: string }>(db.dialect === 'postgres' ? POSTGRES_COLUMNS : SQLITE_COLUMNS),
  );
  const problems: ReadModelSchemaProblem[] = [];
  for (const [table, columns] of expectedReadModelColumns()) {
    const found = actual.get(table);
    if (found === undefined) {
      problems.push({ table, problem: 'missing', detail: 'no such table' });
      continue;
    }
    const lacks = columns.filter((c) => !found.includes(c));
    const extra = found.filter((c) => !columns.includes(c));
    if (lacks.length > 0 || extra.length > 0) {
      problems.push({
        table,
        problem: 'wrong shape',
        detail: [
          lacks.length > 0 ? `lacks ${lacks.join(', ')}` : '',
          extra.length > 0 ? `has extra ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      });
    }
  }
  return problems;
};

/** The PostgreSQL advisory lock that serializes repairs of one database's read models (any 64-bit constant). */
const REPAIR_LOCK = 0x636f7365617263; // 'cosearc'

/**
 * Recreates the read-model tables when any is missing or wrong-shaped: drops every read-model table (checkpoints
 * included, so every projection refolds from position 0) and runs the read-model migrations again. Returns the
 * problems it repaired (empty: nothing to do). One transaction, serialized across processes (SQLite's write lock,
 * a PostgreSQL advisory lock), and the check runs inside it: when `serve` and `search` find the damage at once, one
 * repairs and the other finds nothing left to do. A crash half-way rolls back, and the next call finds the damage.
 */
export const repairReadModelSchema = async (db: SqlDatabase): Promise<ReadModelSchemaProblem[]> => {
  if ((await checkReadModelSchema(db)).length === 0) return [];
  const postgres = db.dialect === 'postgres';
  return db.transaction(async (tx) => {
    if (postgres) await tx.query('SELECT pg_advisory_xact_lock(?)', [REPAIR_LOCK]);
    const problems = await checkReadModelSchema(tx);
    if (problems.length === 0) return problems;
    for (const table of expectedReadModelColumns().keys()) {
      await tx.exec(`DROP TABLE IF EXISTS ${assertIdentifier(table)}${postgres ? ' CASCADE' : ''}`);
    }
    await tx.exec(
      postgres
        ? 'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())'
        : 'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    for (const { name, sql } of migrationFiles(db.dialect)) {
      await tx.execScript(sql);
      await tx.exec('DELETE FROM schema_migrations WHERE version = ?', [name]);
      await tx.exec('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
        name,
        new Date().toISOString(),
      ]);
    }
    return problems;
  });
};
