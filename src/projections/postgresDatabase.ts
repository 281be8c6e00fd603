// SqlDatabase over pg: a pool for reads, one pooled client per transaction, `?` rewritten to `$n`, bulk loads
// streamed with COPY (text format), and every connection pinned to one schema through search_path.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CosearchError } from '../errors.js';
import {
  assertIdentifier,
  toPostgresPlaceholders,
  upsertSql,
  type SqlDatabase,
  type SqlExecResult,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from './sqlDatabase.js';

/** Options of {@link createPostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  connectionString: string;
  /** Schema holding the read models (created if missing). @default 'public' */
  schema?: string;
  /** Pool size. @default 4 */
  maxConnections?: number;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

const bind = (params: readonly SqlValue[]): unknown[] => params.map((p) => (p === undefined ? null : p));

/** COPY's text format: these four characters are the ones a value must escape (the backslash first of all). */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as a field of COPY's text format: `\N` for NULL, `t`/`f`, a number's JS text, escaped text. */
const copyField = (value: SqlValue, table: string, column: string): string => {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string')
    return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch] ?? ch) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (!Number.isFinite(value)) {
    throw new CosearchError(
      'INTERNAL',
      `expected a finite number for ${table}.${column}, but got ${String(value)}; a projection must store a missing figure as null`,
    );
  }
  return String(value);
};

/** Bytes of COPY data per chunk (one CopyData message): large enough that per-message costs vanish. */
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Encodes rows lazily as COPY text in chunks, so encoding overlaps the server's parsing. Fields are written straight
 * into each chunk's buffer: building one long string and converting it afterwards cost twice the CPU.
 */
function* copyTextChunks(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Generator<Buffer> {
  let buffer = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let used = 0;
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new CosearchError(
        'INTERNAL',
        `expected ${columns.length} values per row for ${table}, but got ${row.length}; give one value per column`,
      );
    }
    for (const [i, column] of columns.entries()) {
      const text = copyField(row[i], table, column);
      const room = text.length * 3 + 1; // UTF-8 takes at most 3 bytes per UTF-16 unit, then one delimiter byte
      if (used + room > buffer.length) {
        if (used > 0) yield buffer.subarray(0, used);
        buffer = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, room));
        used = 0;
      }
      used += buffer.write(text, used, 'utf8');
      buffer[used++] = i === columns.length - 1 ? 0x0a : 0x09; // newline ends a row, tab separates fields
    }
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/** PostgreSQL accepts 65535 bind parameters per statement. */
const maxRowsPerUpsert = (columns: number): number => Math.max(1, Math.floor(60_000 / columns));

abstract class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;

  constructor(protected readonly target: Queryable) {}

  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.target.query(toPostgresPlaceholders(sql), bind(params));
    // pg types rows as any; the caller names the row shape it selected.
    return result.rows as T[];
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<SqlExecResult> {
    const result = await this.target.query(toPostgresPlaceholders(sql), bind(params));
    return { changes: result.rowCount ?? 0 };
  }

  async upsert(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
    rows: readonly SqlValue[][],
  ): Promise<void> {
    const chunk = maxRowsPerUpsert(columns.length);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      await this.exec(upsertSql(table, columns, keyColumns, part.length), part.flat());
    }
  }

  abstract insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void>;

  /** No parameters: pg sends it as a simple query, which may hold several statements. */
  async execScript(sql: string): Promise<void> {
    await this.target.query(sql);
  }
}

/** The executor of one transaction: it owns its client, so COPY can stream over that connection. */
class PostgresTransaction extends PostgresExecutor {
  constructor(private readonly client: pg.PoolClient) {
    super(client);
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    // The table name is unqualified: the client's search_path (set at connect) picks the database's schema.
    const sql = `COPY ${assertIdentifier(table)} (${columns.map(assertIdentifier).join(', ')}) FROM STDIN`;
    if (rows.length === 0) return;
    const copy = this.client.query(copyFrom(sql));
    // One statement: a failure (a duplicate key, a value that cannot be encoded) loads no row at all.
    await pipeline(Readable.from(copyTextChunks(table, columns, rows)), copy);
  }
}

class PostgresDatabase extends PostgresExecutor implements SqlDatabase {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** COPY needs a client of its own; a transaction gives it one (and COPY is all-or-nothing anyway). */
  async insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    await this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connects to PostgreSQL and pins every pooled connection to `schema` (created if missing). */
export const createPostgresDatabase = async (options: PostgresDatabaseOptions): Promise<SqlDatabase> => {
  const schema = assertIdentifier(options.schema ?? 'public');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 4,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', () => undefined); // an idle client's error must not crash the process; the next query reports it
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  return new PostgresDatabase(pool);
};
