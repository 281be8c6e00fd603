// The small SQL dialect adapter the read models are written against: one set of SQL (with `?` placeholders)
// serves SQLite (better-sqlite3) and PostgreSQL (pg). Backends live in sqliteDatabase.ts and postgresDatabase.ts.

export type SqlDialect = 'sqlite' | 'postgres';

/** A bind parameter. Booleans become 0/1 on SQLite; undefined becomes NULL. */
export type SqlValue = string | number | boolean | null | undefined;

/** A result row as the driver returns it: column name → value (PostgreSQL BIGINT arrives as a string). */
export type SqlRow = Record<string, unknown>;

/** What a statement changed. */
export interface SqlExecResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** The operations available both inside and outside a transaction. */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs a SELECT (or RETURNING statement) and returns its rows. Placeholders are `?`. */
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one statement that returns no rows. Placeholders are `?`. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<SqlExecResult>;
  /**
   * Inserts rows, or updates them where `keyColumns` already exist (`INSERT … ON CONFLICT … DO UPDATE`).
   * Every row gives a value for each of `columns`, in that order. Keys must be unique within one call.
   */
  upsert(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
    rows: readonly SqlValue[][],
  ): Promise<void>;
  /**
   * Inserts new rows with the fastest load each driver offers (prepared `INSERT` on SQLite, `COPY` on PostgreSQL); a
   * duplicate key fails (on PostgreSQL, as does a non-finite number, loading none of the call's rows). For bulk loads
   * into tables emptied in the same transaction. Every row gives a value for each of `columns`, in that order.
   */
  insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void>;
  /** Runs a script of several statements without parameters (migrations), inside the transaction when called on one. */
  execScript(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: committed when the promise resolves, rolled back when it rejects.
   * Transactions on one SqlDatabase are serialized; queries outside a transaction never see its uncommitted rows
   * (SQLite files use a second, read-only connection; PostgreSQL uses a pooled client per transaction).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`, leaving `?` inside quoted strings and identifiers alone.
 */
export const toPostgresPlaceholders = (sql: string): string => {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
};

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Throws unless `name` is a plain lower-case SQL identifier (table and column names are never user input). */
export const assertIdentifier = (name: string): string => {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`expected a lower-case SQL identifier such as 'read_candidates', but got '${name}'`);
  }
  return name;
};

/** The `INSERT … VALUES (…), (…) ON CONFLICT (…) DO UPDATE SET …` text for `rowCount` rows, valid in both dialects. */
export const upsertSql = (
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
  rowCount: number,
): string => {
  const cols = columns.map(assertIdentifier);
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  const values = Array.from({ length: rowCount }, () => tuple).join(', ');
  const updates = cols.filter((c) => !keyColumns.includes(c)).map((c) => `${c} = excluded.${c}`);
  const onConflict =
    updates.length === 0
      ? `ON CONFLICT (${keyColumns.map(assertIdentifier).join(', ')}) DO NOTHING`
      : `ON CONFLICT (${keyColumns.map(assertIdentifier).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  return `INSERT INTO ${assertIdentifier(table)} (${cols.join(', ')}) VALUES ${values} ${onConflict}`;
};

/** The `INSERT INTO t (…) VALUES (…), (…)` text for `rowCount` rows. */
export const insertSql = (table: string, columns: readonly string[], rowCount: number): string => {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${assertIdentifier(table)} (${columns.map(assertIdentifier).join(', ')}) VALUES ${Array.from({ length: rowCount }, () => tuple).join(', ')}`;
};

/** Reads a numeric column that PostgreSQL may return as a string (BIGINT, NUMERIC). */
export const toNumber = (value: unknown): number => (typeof value === 'string' ? Number(value) : Number(value ?? 0));

/** Reads a nullable numeric column. */
export const toNumberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : toNumber(value);

/** Reads a boolean column: SQLite stores 0/1, PostgreSQL returns true/false. */
export const toBooleanOrNull = (value: unknown): boolean | null =>
  value === null || value === undefined ? null : value === true || value === 1 || value === '1' || value === 't';
