// SqlDatabase over better-sqlite3: a writer connection (transactions, WAL) plus, for files, a second connection
// for reads outside transactions, so API queries see only committed read-model rows.
import Database from 'better-sqlite3';
import {
  insertSql,
  upsertSql,
  type SqlDatabase,
  type SqlExecResult,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from './sqlDatabase.js';

/** Options of {@link createSqliteDatabase}. */
export interface SqliteDatabaseOptions {
  /** Milliseconds to wait for the SQLite write lock (the event store shares the file). @default 10000 */
  busyTimeoutMs?: number;
}

type Connection = Database.Database;
type Statement = Database.Statement<unknown[], SqlRow>;

const bind = (params: readonly SqlValue[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

/** Rows per multi-row upsert statement; 999 bind variables is the conservative SQLite limit. */
const maxRowsPerUpsert = (columns: number): number => Math.max(1, Math.floor(999 / columns));

class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly connection: Connection) {}

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare<unknown[], SqlRow>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  querySync<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): T[] {
    // better-sqlite3 types rows as unknown; the caller names the row shape it selected.
    return this.prepare(sql).all(...bind(params)) as T[];
  }

  execSync(sql: string, params: readonly SqlValue[] = []): SqlExecResult {
    return { changes: this.prepare(sql).run(...bind(params)).changes };
  }

  query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.querySync<T>(sql, params));
  }

  exec(sql: string, params: readonly SqlValue[] = []): Promise<SqlExecResult> {
    return Promise.resolve(this.execSync(sql, params));
  }

  upsert(
    table: string,
    columns: readonly string[],
    keyColumns: readonly string[],
    rows: readonly SqlValue[][],
  ): Promise<void> {
    const chunk = maxRowsPerUpsert(columns.length);
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      this.execSync(upsertSql(table, columns, keyColumns, part.length), part.flat());
    }
    return Promise.resolve();
  }

  insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
    // One prepared single-row statement, run per row: as fast as multi-row text in SQLite, with no text to build.
    const statement = this.prepare(insertSql(table, columns, 1));
    for (const row of rows) statement.run(...bind(row));
    return Promise.resolve();
  }

  execScript(sql: string): Promise<void> {
    this.connection.exec(sql);
    return Promise.resolve();
  }
}

class SqliteDatabase extends SqliteExecutor implements SqlDatabase {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly writer: Connection,
    private readonly reader: SqliteExecutor | undefined,
    private readonly readerConnection: Connection | undefined,
  ) {
    super(writer);
  }

  override query<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.reader === undefined ? super.query<T>(sql, params) : this.reader.query<T>(sql, params);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // Serialize: better-sqlite3 has one transaction per connection, and `fn` may await between statements.
    const run = async (): Promise<T> => {
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this);
        this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    this.readerConnection?.close();
    this.writer.close();
    return Promise.resolve();
  }
}

/** Opens (creating if needed) a SQLite file, or `:memory:`, as a SqlDatabase in WAL mode. */
export const createSqliteDatabase = (file: string, options: SqliteDatabaseOptions = {}): SqlDatabase => {
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  const writer = new Database(file);
  writer.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (file === ':memory:' || file === '') return new SqliteDatabase(writer, undefined, undefined);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  const readerConnection = new Database(file);
  readerConnection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return new SqliteDatabase(writer, new SqliteExecutor(readerConnection), readerConnection);
};
