// SqlDatabase over pg: a pool for reads, one pooled client per transaction, `?` rewritten to `$n`,
// and every connection pinned to one schema through search_path.
import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  assertIdentifier,
  insertSql,
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

/** PostgreSQL accepts 65535 bind parameters per statement. */
const maxRowsPerUpsert = (columns: number): number => Math.max(1, Math.floor(60_000 / columns));

class PostgresExecutor implements SqlExecutor {
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

  async upsert(table: string, columns: readonly string[], keyColumns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    const chunk = maxRowsPerUpsert(columns.length);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      await this.exec(upsertSql(table, columns, keyColumns, part.length), part.flat());
    }
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    const chunk = maxRowsPerUpsert(columns.length);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const text = toPostgresPlaceholders(insertSql(table, columns, part.length));
      // Full chunks repeat one text: a named statement is parsed and planned once per connection, not per chunk
      // (tens of thousands of parameters each). The name is derived from the text, so equal names mean equal text.
      const name = part.length === chunk ? `cosearch_insert_${createHash('sha1').update(text).digest('hex').slice(0, 16)}` : undefined;
      await this.target.query(name === undefined ? { text, values: bind(part.flat()) } : { name, text, values: bind(part.flat()) });
    }
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
      const result = await fn(new PostgresExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async execScript(sql: string): Promise<void> {
    await this.pool.query(sql);
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
