// The PostgreSQL backend via pg. Positions are gap-free and commit in position order because every append holds
// one transaction-scoped advisory lock (see ORDERING below). Subscribers wake on LISTEN/NOTIFY and also poll.
import pg from 'pg';
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
  EventMetadata,
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
import { applyPostgresMigrations, migrationsDir } from './migrations.js';
import { createPollingSubscription, Wakeup } from './pollingSubscription.js';

/** Options of the PostgreSQL backend. */
export interface PostgresEventStoreOptions {
  /** Schema holding the event tables; created if missing. Tests use one schema per run. @default 'public' */
  schema?: string;
  /** Longest sleep of a caught-up subscription when no NOTIFY arrives, in ms. @default 500 */
  pollIntervalMs?: number;
  /**
   * Read check: `true` upcasts and validates rows stored at another schemaVersion and trusts rows at the current one
   * (append validated them); `'strict'` re-validates every row; `false` returns rows as stored. @default true
   */
  validateOnRead?: boolean | 'strict';
  /** Connections in the pool. @default 10 */
  poolSize?: number;
}

/** A row in COLUMNS order, read with rowMode 'array' (arrays are cheaper to build than objects); bigints as text. */
type Row = [
  position: string,
  id: string,
  streamId: string,
  revision: string,
  type: string,
  data: unknown,
  metadata: EventMetadata,
];

interface Probe {
  head: string;
  last_revision: string | null;
  last_hash: string | null;
  last_position: string | null;
  last_seal: string | null;
  existing: Array<{ id: string; streamId: string; revision: number; position: number }> | null;
}

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata';

// ORDERING. A bigserial position is allocated when a transaction inserts, but transactions commit in any order:
// position 8 can commit and be read before position 7 commits, and a reader whose checkpoint has passed 8 never
// reads 7. We close that gap by serializing appends: each append transaction first takes
// pg_advisory_xact_lock(<per-schema key>) in its own statement, then, in a later statement (hence a fresh READ
// COMMITTED snapshot that sees the previous append), allocates positions as max(position)+1. The lock is released
// only after the commit is visible (PostgreSQL makes a commit visible in ProcArrayEndTransaction before it releases
// locks), so commit order equals position order, positions have no gaps, and every snapshot of `events` holds a
// contiguous prefix 1..n. A plain `position > checkpoint` read is then exact. The price is one writer at a time per
// schema, which batching amortizes (see bench/store.ts).
const PROBE_SQL = `
  SELECT coalesce((SELECT max(position) FROM events), 0)::text AS head,
         h.revision::text AS last_revision, h.hash AS last_hash, h.position::text AS last_position, h.seal AS last_seal,
         (SELECT json_agg(json_build_object('id', id, 'streamId', stream_id, 'revision', revision, 'position', position))
            FROM events WHERE id = ANY($2::text[])) AS existing
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT revision, hash, position, seal FROM (
        (SELECT revision, hash, position, seal, 0 AS pri FROM stream_heads WHERE stream_id = $1)
        UNION ALL
        (SELECT revision, hash, position, seal, 1 AS pri FROM events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1)) AS x
      ORDER BY revision DESC, pri ASC LIMIT 1) AS h ON true`;

// The head is the anchor or the last stored event, whichever is later (see PROBE_SQL): after a truncation new
// events continue after the anchor, so the gap stays visible to audit. The anchor is written in the same statement.
const INSERT_SQL = `
  WITH inserted AS (
    INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, hash, seal)
    SELECT $1::bigint + t.ord, t.id, $2, $3::bigint + t.ord, t.type, t.sv, t.data::jsonb, t.metadata::jsonb, t.hash, t.seal
      FROM unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $11::text[])
           WITH ORDINALITY AS t(id, type, sv, data, metadata, hash, seal, ord)
    RETURNING position),
  anchored AS (
    INSERT INTO stream_heads (stream_id, revision, hash, position, seal) VALUES ($2, $12::bigint, $13, $14::bigint, $15)
    ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, hash = EXCLUDED.hash, position = EXCLUDED.position, seal = EXCLUDED.seal)
  SELECT pg_notify($10, max(position)::text) FROM inserted`;

export class PostgresEventStore implements EventStore, AnchorReader {
  readonly kind = 'postgres';
  /** The pg pool (search_path set to the schema), for read models that live in the same database. */
  readonly pool: pg.Pool;
  readonly schema: string;
  private readonly channel: string;
  private readonly wakeup = new Wakeup();
  private readonly subscriptions = new Set<Subscription>();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private readonly options: PostgresEventStoreOptions;
  private readonly connectionString: string;
  private readonly readValidation: ReadValidation;

  private constructor(connectionString: string, options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,50}$/.test(this.schema)) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected a schema name of lower-case letters, digits and '_', but got '${this.schema}'`,
      );
    }
    this.options = options;
    this.connectionString = connectionString;
    this.readValidation = readValidationMode(options.validateOnRead);
    this.channel = `cosearch_events_${this.schema}`;
    this.pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      options: `-c search_path=${this.schema}`,
    });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Connects, creates the schema if needed and applies the event migrations. */
  static async open(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(connectionString, options);
    const client = await store.pool.connect();
    try {
      await applyPostgresMigrations(client, migrationsDir('postgres'), {
        schema: store.schema,
        filter: (name) => /^\d+_events/.test(name),
      });
    } finally {
      client.release();
    }
    return store;
  }

  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const prepared = prepareEvents(streamId, events, expectedRevision);
    const client = await this.pool.connect();
    try {
      // Literal key: the schema name is checked to be [a-z0-9_], and one round trip saves ~0.1 ms per append.
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('cosearch-append:${this.schema}'))`);
      const probe = (await client.query<Probe>(PROBE_SQL, [streamId, prepared.map((event) => event.id)])).rows[0];
      if (probe === undefined)
        throw new CosearchError('INTERNAL', 'expected one row from the append probe, but got none');
      const idempotent = idempotentResult(
        streamId,
        prepared.length,
        (probe.existing ?? []).map((row) => ({ ...row, position: Number(row.position) })),
      );
      const lastRevision = probe.last_revision === null ? -1 : Number(probe.last_revision);
      if (idempotent === undefined) assertExpectedRevision(streamId, expectedRevision, lastRevision);
      if (idempotent !== undefined || prepared.length === 0) {
        await client.query('ROLLBACK');
        return idempotent ?? { nextExpectedRevision: lastRevision, position: Number(probe.last_position ?? 0) };
      }
      const chained = chainEvents(prepared, lastRevision, probe.last_hash ?? '', new Date().toISOString());
      const head = Number(probe.head);
      let seal = probe.last_seal ?? '';
      const seals = chained.map((e, i) => (seal = sealPosition(seal, head + i + 1, e.hash)));
      const last = chained[chained.length - 1];
      await client.query(INSERT_SQL, [
        probe.head,
        streamId,
        lastRevision,
        chained.map((e) => e.id),
        chained.map((e) => e.type),
        chained.map((e) => e.schemaVersion),
        chained.map((e) => e.dataJson),
        chained.map((e) => e.metadataJson),
        chained.map((e) => e.hash),
        this.channel,
        seals,
        last?.revision,
        last?.hash,
        head + chained.length,
        seal,
      ]);
      await client.query('COMMIT');
      this.wakeup.wake();
      return { nextExpectedRevision: lastRevision + chained.length, position: Number(probe.head) + chained.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  // Bounds are only added when given: a `position < 9007199254740991` placeholder bound made the planner (with no
  // statistics on a young table) pick a bitmap scan + sort of every later row for each 1000-event page.
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const values: unknown[] = [streamId, options.maxCount ?? null];
    const from = options.fromRevision ?? (backwards ? undefined : 0);
    const bound = from === undefined ? '' : ` AND revision ${backwards ? '<=' : '>='} $${values.push(from)}`;
    const result = await this.pool.query<Row>({
      text: `SELECT ${COLUMNS} FROM events WHERE stream_id = $1${bound} ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
      values,
      rowMode: 'array',
    });
    return result.rows.map((row) => this.decode(row));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const values: unknown[] = [options.after ?? 0, options.maxCount ?? 1000];
    const before = options.before === undefined ? '' : ` AND position < $${values.push(options.before)}`;
    const result = await this.pool.query<Row>({
      text: `SELECT ${COLUMNS} FROM events WHERE position > $1${before} ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
      values,
      rowMode: 'array',
    });
    return result.rows.map((row) => this.decode(row));
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.listening ??= this.listen();
    const subscription = createPollingSubscription({
      ...options,
      wakeup: this.wakeup,
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      readPage: async (after, pageSize) => this.readAll({ after, maxCount: pageSize }),
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    const result = await this.pool.query<{ head: string }>(
      'SELECT coalesce(max(position), 0)::text AS head FROM events',
    );
    return Number(result.rows[0]?.head ?? 0);
  }

  async readAnchor(streamId: string): Promise<StreamAnchor | undefined> {
    const result = await this.pool.query<{ revision: string; hash: string; position: string; seal: string | null }>(
      'SELECT revision::text, hash, position::text, seal FROM stream_heads WHERE stream_id = $1',
      [streamId],
    );
    const row = result.rows[0];
    return row === undefined
      ? undefined
      : { streamId, revision: Number(row.revision), hash: row.hash, position: Number(row.position), seal: row.seal };
  }

  async readSeals(streamId: string): Promise<PositionSeal[]> {
    const result = await this.pool.query<[string, string, string | null]>({
      text: 'SELECT revision::text, position::text, seal FROM events WHERE stream_id = $1 ORDER BY revision ASC',
      values: [streamId],
      rowMode: 'array',
    });
    return result.rows.map((row) => ({ revision: Number(row[0]), position: Number(row[1]), seal: row[2] }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** One dedicated connection LISTENs for appends by any process; if it fails, subscribers still poll. */
  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.connectionString });
    this.listener = listener;
    listener.on('error', () => undefined);
    listener.on('notification', () => this.wakeup.wake());
    try {
      await listener.connect();
      await listener.query(`LISTEN ${this.channel}`);
    } catch {
      // Poll-only fallback: the subscription's poll interval bounds the delay.
    }
  }

  private decode(row: Row): RecordedEvent {
    return decodeRow(
      {
        id: row[1],
        streamId: row[2],
        revision: Number(row[3]),
        position: Number(row[0]),
        type: row[4],
        data: row[5],
        metadata: row[6],
      },
      this.readValidation,
    );
  }
}
