// The embedded default backend: one SQLite file via better-sqlite3 in WAL mode. Writers serialize on SQLite's
// write lock (BEGIN IMMEDIATE), so rowid order is commit order and `$all` polling by position never skips.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CosearchError } from '../errors.js';
import {
  chainEvents,
  decodeRow,
  idempotentResult,
  prepareEvents,
  readValidationMode,
  type ReadValidation,
} from './appendPreparation.js';
import { assertExpectedRevision } from './errors.js';
import { sealPosition } from './hashChain.js';
import type {
  AnchorReader,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  PositionSeal,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAnchor,
  SubscribeOptions,
  Subscription,
} from './eventStore.js';
import { applySqliteMigrations, migrationsDir } from './migrations.js';
import { createPollingSubscription, Wakeup } from './pollingSubscription.js';

/** Options of the SQLite backend. */
export interface SqliteEventStoreOptions {
  /** How often a caught-up subscription polls the file for appends by other processes, in ms. @default 50 */
  pollIntervalMs?: number;
  /** How long a writer waits for another connection's write lock before failing, in ms. @default 10000 */
  busyTimeoutMs?: number;
  /**
   * Read check: `true` upcasts and validates rows stored at another schemaVersion and trusts rows at the current one
   * (append validated them); `'strict'` re-validates every row; `false` returns rows as stored. @default true
   */
  validateOnRead?: boolean | 'strict';
}

/** A row read with better-sqlite3's raw mode, in COLUMNS order: arrays are cheaper to build than objects. */
type Row = [
  position: number,
  id: string,
  streamId: string | null,
  revision: number,
  type: string,
  data: string,
  metadata: string,
];

// Local appends wake subscribers of every store open on the same file in this process at once; other
// processes' appends are found by the poll.
const wakeups = new Map<string, { wakeup: Wakeup; refs: number }>();

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata';
// Stream reads know the stream id: not selecting it saves one string per event (the caller's is reused).
const STREAM_COLUMNS = 'position, id, NULL, revision, type, data, metadata';

export class SqliteEventStore implements EventStore, AnchorReader {
  readonly kind = 'sqlite';
  /** The underlying better-sqlite3 connection, for read models that live in the same file (see docs/store.md). */
  readonly db: Database.Database;
  readonly file: string;
  private readonly wakeup: Wakeup;
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollIntervalMs: number;
  private readonly readValidation: ReadValidation;
  private readonly stmt;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.file = file === ':memory:' ? file : resolve(file);
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    this.db = new Database(this.file, { timeout: options.busyTimeoutMs ?? 10_000 });
    try {
      this.db.pragma('journal_mode = WAL');
    } catch (error) {
      this.db.close();
      // better-sqlite3 says only "file is not a database": name the file and what to do.
      throw new CosearchError(
        'INTERNAL',
        `cannot open the SQLite store ${this.file}: ${(error as Error).message} ` +
          `(${String((error as { code?: unknown }).code ?? 'SQLITE_ERROR')}). Point --store or COSEARCH_STORE at a cosearch store, or move the file away to start a new one.`,
      );
    }
    // NORMAL in WAL mode is durable across process crashes (SIGKILL); only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    // Checkpoint every ~40 MiB of WAL instead of every 4 MiB: random UUIDs dirty a new UNIQUE(id) index page per
    // event, so a 1000-event batch nearly filled the default 1000-page WAL and every batch paid a checkpoint (copy
    // + fsync). Pages dirtied again by later batches are now copied once. Durability is unchanged.
    this.db.pragma('wal_autocheckpoint = 10000');
    // Random UUID ids make the UNIQUE(id) index insert at random pages; a 64 MiB page cache keeps them in memory.
    this.db.pragma('cache_size = -65536');
    applySqliteMigrations(this.db, migrationsDir('sqlite'), { filter: (name) => /^\d+_events/.test(name) });
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.readValidation = readValidationMode(options.validateOnRead);
    const shared = wakeups.get(this.file) ?? { wakeup: new Wakeup(), refs: 0 };
    shared.refs += 1;
    wakeups.set(this.file, shared);
    this.wakeup = shared.wakeup;
    this.stmt = {
      byId: this.db.prepare<[string], { id: string; stream_id: string; revision: number; position: number }>(
        'SELECT id, stream_id, revision, position FROM events WHERE id = ?',
      ),
      // The head is the anchor or the last stored event, whichever is later: after a truncation the anchor is
      // ahead, and new events then continue after it, leaving the gap visible to audit instead of papering over it.
      streamHead: this.db.prepare<
        [string, string],
        { revision: number; hash: string; position: number; seal: string | null }
      >(
        `SELECT revision, hash, position, seal FROM (
           SELECT revision, hash, position, seal, 0 AS pri FROM stream_heads WHERE stream_id = ?
           UNION ALL
           SELECT * FROM (SELECT revision, hash, position, seal, 1 AS pri FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1))
         ORDER BY revision DESC, pri ASC LIMIT 1`,
      ),
      lastPosition: this.db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'"),
      insert: this.db.prepare<[number, string, string, number, string, number, string, string, string, string]>(
        'INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, hash, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      anchor: this.db.prepare<[string, number, string, number, string]>(
        `INSERT INTO stream_heads (stream_id, revision, hash, position, seal) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash, position = excluded.position, seal = excluded.seal`,
      ),
      readAnchor: this.db.prepare<[string], { revision: number; hash: string; position: number; seal: string | null }>(
        'SELECT revision, hash, position, seal FROM stream_heads WHERE stream_id = ?',
      ),
      readSeals: this.db.prepare<[string], { revision: number; position: number; seal: string | null }>(
        'SELECT revision, position, seal FROM events WHERE stream_id = ? ORDER BY revision ASC',
      ),
      forwards: this.db
        .prepare<[string, number, number], Row>(
          `SELECT ${STREAM_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
        )
        .raw(),
      backwards: this.db
        .prepare<[string, number, number], Row>(
          `SELECT ${STREAM_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      allForwards: this.db
        .prepare<[number, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position ASC LIMIT ?`,
        )
        .raw(),
      allBackwards: this.db
        .prepare<[number, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position DESC LIMIT ?`,
        )
        .raw(),
      head: this.db.prepare<[], { head: number }>('SELECT coalesce(max(position), 0) AS head FROM events'),
    };
  }

  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const prepared = prepareEvents(streamId, events, expectedRevision);
    const write = this.db.transaction((): { result: AppendResult; wrote: boolean } => {
      // Idempotency: a retried batch starts with an already-stored id. A batch that overlaps stored events only
      // later hits the UNIQUE(id) constraint below, which rolls back and is reported as a CONFLICT.
      const first = prepared[0] === undefined ? undefined : this.stmt.byId.get(prepared[0].id);
      if (first !== undefined) {
        const existing = [];
        for (const event of prepared) {
          const row = this.stmt.byId.get(event.id);
          if (row !== undefined)
            existing.push({ id: row.id, streamId: row.stream_id, revision: row.revision, position: row.position });
        }
        const idempotent = idempotentResult(streamId, prepared.length, existing);
        if (idempotent !== undefined) return { result: idempotent, wrote: false };
      }
      const head = this.stmt.streamHead.get(streamId, streamId);
      const lastRevision = head?.revision ?? -1;
      assertExpectedRevision(streamId, expectedRevision, lastRevision);
      if (prepared.length === 0)
        return { result: { nextExpectedRevision: lastRevision, position: head?.position ?? 0 }, wrote: false };
      // AUTOINCREMENT never reuses a position, and under the write lock the next one is sqlite_sequence + 1: knowing
      // it before the insert lets the seal be written with the row.
      let position = this.stmt.lastPosition.get()?.seq ?? 0;
      let seal = head?.seal ?? '';
      let last = { revision: lastRevision, hash: head?.hash ?? '' };
      for (const event of chainEvents(prepared, lastRevision, head?.hash ?? '', new Date().toISOString())) {
        position += 1;
        seal = sealPosition(seal, position, event.hash);
        this.stmt.insert.run(
          position,
          event.id,
          streamId,
          event.revision,
          event.type,
          event.schemaVersion,
          event.dataJson,
          event.metadataJson,
          event.hash,
          seal,
        );
        last = event;
      }
      this.stmt.anchor.run(streamId, last.revision, last.hash, position, seal);
      return { result: { nextExpectedRevision: last.revision, position }, wrote: true };
    });
    // IMMEDIATE: take the write lock before reading the stream head, so the revision check cannot race.
    let outcome: { result: AppendResult; wrote: boolean };
    try {
      outcome = write.immediate();
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new CosearchError(
          'CONFLICT',
          `expected either none or all event ids of the batch to be stored in '${streamId}', but some ` +
            'already are (in this or another stream). Retry an append with exactly the same batch, or use fresh ids.',
          { streamId },
        );
      }
      throw error;
    }
    const { result, wrote } = outcome;
    if (wrote) this.wakeup.wake();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.stmt.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.stmt.forwards.all(streamId, options.fromRevision ?? 0, limit);
    return rows.map((row) => this.decode(row, streamId));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  private readAllSync(options: ReadAllOptions): RecordedEvent[] {
    const statement = options.direction === 'backwards' ? this.stmt.allBackwards : this.stmt.allForwards;
    const rows = statement.all(options.after ?? 0, options.before ?? Number.MAX_SAFE_INTEGER, options.maxCount ?? 1000);
    return rows.map((row) => this.decode(row));
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = createPollingSubscription({
      ...options,
      wakeup: this.wakeup,
      pollIntervalMs: this.pollIntervalMs,
      readPage: async (after, pageSize) => (this.db.open ? this.readAllSync({ after, maxCount: pageSize }) : []),
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.stmt.head.get()?.head ?? 0;
  }

  async readAnchor(streamId: string): Promise<StreamAnchor | undefined> {
    const row = this.stmt.readAnchor.get(streamId);
    return row === undefined ? undefined : { streamId, ...row };
  }

  async readSeals(streamId: string): Promise<PositionSeal[]> {
    return this.stmt.readSeals.all(streamId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    const shared = wakeups.get(this.file);
    if (shared !== undefined && --shared.refs === 0) wakeups.delete(this.file);
    if (this.db.open) this.db.close();
  }

  private decode(row: Row, streamId = row[2] ?? ''): RecordedEvent {
    return decodeRow(
      {
        id: row[1],
        streamId,
        revision: row[3],
        position: row[0],
        type: row[4],
        data: JSON.parse(row[5]),
        metadata: JSON.parse(row[6]),
      },
      this.readValidation,
    );
  }
}
