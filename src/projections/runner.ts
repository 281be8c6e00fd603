// The checkpointed projection runner: follows `$all` (catch-up, then live), applies batches of events to the
// read models in the same transaction as the checkpoint update, rebuilds a projection from 0 on demand or when
// its version changes.
import { hasErrorCode, CosearchError } from '../errors.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/index.js';
import { bulkFoldFromZero } from './bulkFold.js';
import { advanceCheckpoint, readCheckpoints, resetCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';
import { assertIdentifier, type SqlDatabase, type SqlExecutor } from './sqlDatabase.js';

/** Options of {@link createProjectionRunner}. */
export interface ProjectionRunnerOptions {
  store: EventStore;
  /** Where the read models and projection_checkpoints live (migrations already applied). */
  db: SqlDatabase;
  projections: readonly Projection[];
  /** Most events applied per transaction. @default 5000 */
  batchSize?: number;
  /**
   * Events per `readAll` page while bulk-folding projections from position 0. Small pages die young in V8's new
   * space; 20,000-event pages were 20 % slower (more old-space garbage collection). @default 1000
   */
  bulkPageSize?: number;
  /**
   * Most read-model rows a bulk fold holds in memory (about 3 KB per candidate row); past it the rows are written
   * and the batched catch-up takes over from that position. Bounds a rebuild's memory (about 300 MB). @default 100000
   */
  bulkMaxRows?: number;
  /** Delay before the live loop resubscribes after an error, in ms. @default 1000 */
  retryDelayMs?: number;
  /** Called with each error of the live loop (it then retries). @default ignore */
  onError?: (error: unknown) => void;
  /** Clock for checkpoint `updated_at`. @default () => new Date().toISOString() */
  now?: () => string;
  /**
   * Recreates missing or wrong-shaped read-model tables and returns what it repaired (empty: nothing). Called by
   * `rebuild` (which then rebuilds every projection if anything was repaired) and after an error of the live loop.
   * openProjections passes `repairReadModelSchema`. @default none
   */
  repairSchema?: () => Promise<string[]>;
}

/** How one projection is doing, for `health`. */
export interface ProjectionStatus {
  name: string;
  version: number;
  /** Last `$all` position applied. */
  position: number;
  /** `live`: following the log; `failed`: its last batch failed (see `error`), retrying; `stopped`; `rebuilding`. */
  state: 'live' | 'failed' | 'stopped' | 'rebuilding';
  /** The last error's message while `failed`, else null. */
  error: string | null;
}

/** One committed batch, for listeners (e.g. GraphQL subscriptions on progress). */
export interface AppliedBatch {
  /** Position of the last event of the batch; every projection's checkpoint is now at least this. */
  position: number;
  /** The batch's events; empty for a bulk fold from position 0 (which can span the whole log). */
  events: readonly RecordedEvent[];
}

export interface ProjectionRunner {
  /**
   * Checks versions (emptying changed projections), then, in the background, folds projections at checkpoint 0 in bulk
   * (see `catchUp`) and follows `$all` live.
   */
  start(): Promise<void>;
  /** Stops following; an in-flight batch finishes (commits or rolls back) first. */
  stop(): Promise<void>;
  /**
   * Applies every event up to the store's current head by paged `readAll`; returns the position reached. Projections
   * still at checkpoint 0 are folded in memory first and written in one transaction (see `bulkMaxRows`).
   */
  catchUp(): Promise<number>;
  /** Empties the tables of `name` (every projection when absent) and replays from position 0 up to the head. */
  rebuild(name?: string): Promise<number>;
  /** Resolves once every projection has applied `position` (rejects with ILLEGAL_STATE after `timeoutMs`). */
  waitForPosition(position: number, timeoutMs?: number): Promise<void>;
  /** The lowest checkpoint over all projections. */
  position(): number;
  /** Registers a listener called after each committed batch; returns its unsubscribe function. */
  onApplied(listener: (batch: AppliedBatch) => void): () => void;
  /** Each projection's checkpoint and state. */
  status(): ProjectionStatus[];
}

const TICK = Symbol('tick');

/**
 * Empties a table inside a transaction. PostgreSQL's TRUNCATE (transactional there) leaves no dead rows to scan and
 * vacuum, which a DELETE of a large read model does; it locks readers out until the commit. SQLite has no TRUNCATE,
 * but optimizes an unqualified DELETE the same way.
 */
const emptyTableSql = (tx: SqlExecutor, table: string): string =>
  tx.dialect === 'postgres' ? `TRUNCATE ${assertIdentifier(table)}` : `DELETE FROM ${assertIdentifier(table)}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, db, projections } = options;
  const batchSize = options.batchSize ?? 5000;
  const now = options.now ?? ((): string => new Date().toISOString());
  const names = new Set(projections.map((p) => p.name));
  if (names.size !== projections.length)
    throw new CosearchError('BAD_USER_INPUT', 'expected unique projection names, but two share one');
  const checkpoints = new Map<string, number>();
  const listeners = new Set<(batch: AppliedBatch) => void>();
  const waiters = new Set<() => void>();
  let lock: Promise<unknown> = Promise.resolve();
  let running = false;
  let loop: Promise<void> | undefined;
  let subscription: Subscription | undefined;
  let rebuilding = false;
  // The last error per projection, cleared by its next committed batch or a rebuild.
  const errors = new Map<string, string>();
  const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = lock.then(fn, fn);
    lock = next.catch(() => undefined);
    return next;
  };
  const minPosition = (): number => Math.min(...projections.map((p) => checkpoints.get(p.name) ?? 0));

  const truncate = async (selected: readonly Projection[]): Promise<void> => {
    await db.transaction(async (tx) => {
      for (const p of selected) {
        for (const table of p.tables) await tx.exec(emptyTableSql(tx, table));
        await resetCheckpoint(tx, p.name, p.version, now());
      }
    });
    for (const p of selected) checkpoints.set(p.name, 0);
  };

  /** Loads checkpoints; projections never run or whose version changed are emptied and reset to 0. */
  const refresh = async (): Promise<void> => {
    const stored = await readCheckpoints(db);
    const stale = projections.filter((p) => stored.get(p.name)?.version !== p.version);
    for (const p of projections) checkpoints.set(p.name, stored.get(p.name)?.position ?? 0);
    if (stale.length > 0) await truncate(stale);
  };

  const notify = (batch: AppliedBatch): void => {
    for (const listener of listeners) listener(batch);
    for (const waiter of [...waiters]) waiter();
  };

  const applyBatch = (events: readonly RecordedEvent[]): Promise<void> =>
    serialized(async () => {
      const last = events[events.length - 1]?.position;
      if (last === undefined) return;
      const behind = projections.filter((p) => (checkpoints.get(p.name) ?? 0) < last);
      if (behind.length === 0) return;
      const stamp = now();
      let current: Projection | undefined;
      try {
        await db.transaction(async (tx) => {
          for (const p of behind) {
            current = p;
            const from = checkpoints.get(p.name) ?? 0;
            // Checkpoint first: on PostgreSQL its row lock orders concurrent runners before either touches rows.
            await advanceCheckpoint(tx, p.name, from, last, stamp);
            const handled = events.filter((e) => e.position > from && p.canHandle(e));
            if (handled.length > 0) await p.applyBatch(tx, handled);
          }
        });
      } catch (error) {
        // Another runner advanced a checkpoint: adopt the stored positions; the caller resumes from them.
        if (hasErrorCode(error, 'CONFLICT')) await refresh();
        else for (const p of current === undefined ? behind : [current]) errors.set(p.name, messageOf(error));
        throw error;
      }
      for (const p of behind) {
        checkpoints.set(p.name, last);
        errors.delete(p.name);
      }
      notify({ position: last, events });
    });

  /**
   * Folds the projections still at 0 in memory and commits their rows with their checkpoints (exactly once). Gives up
   * (writing nothing) when `stopped` turns true between pages.
   */
  const bulkCatchUp = async (stopped?: () => boolean): Promise<void> => {
    const selected = projections.filter((p) => (checkpoints.get(p.name) ?? 0) === 0);
    const folded = await bulkFoldFromZero(store, selected, {
      pageSize: options.bulkPageSize ?? 1000,
      maxRows: options.bulkMaxRows ?? 100_000,
      ...(stopped === undefined ? {} : { stopped }),
    });
    if (folded === undefined) return;
    const { position, folds } = folded;
    await serialized(async () => {
      const stamp = now();
      try {
        await db.transaction(async (tx) => {
          for (const { projection, fold } of folds) {
            await advanceCheckpoint(tx, projection.name, 0, position, stamp);
            // Checkpoint 0 means empty tables; a DELETE (cheap when empty, no lock against readers) makes sure of it.
            for (const table of projection.tables) await tx.exec(`DELETE FROM ${assertIdentifier(table)}`);
            await fold.write(tx);
          }
        });
      } catch (error) {
        // Another runner (or this one's live loop) applied events meanwhile: drop the fold and catch up by batches.
        if (!hasErrorCode(error, 'CONFLICT')) throw error;
        await refresh();
        return;
      }
      for (const { projection } of folds) checkpoints.set(projection.name, position);
      notify({ position: minPosition(), events: [] });
    });
  };

  const catchUp = async (): Promise<number> => {
    await bulkCatchUp();
    for (;;) {
      const page = await store.readAll({ after: minPosition(), maxCount: batchSize });
      if (page.length === 0) return minPosition();
      await applyBatch(page);
    }
  };

  /** Follows one subscription, batching events that arrive before the next macrotask. */
  const follow = async (): Promise<void> => {
    subscription = store.subscribeToAll({ after: minPosition() });
    const iterator = subscription[Symbol.asyncIterator]();
    let pending = iterator.next();
    let batch: RecordedEvent[] = [];
    let tick: Promise<typeof TICK> | undefined;
    const flush = async (): Promise<void> => {
      const events = batch;
      batch = [];
      tick = undefined;
      await applyBatch(events);
    };
    try {
      while (running) {
        const result = tick === undefined ? await pending : await Promise.race([pending, tick]);
        if (result === TICK) {
          await flush();
          continue;
        }
        if (result.done === true) break;
        pending = iterator.next();
        batch.push(result.value);
        tick ??= new Promise((resolve) => setImmediate(() => resolve(TICK)));
        if (batch.length >= batchSize) await flush();
      }
      if (batch.length > 0 && running) await flush();
    } finally {
      await subscription.close();
      subscription = undefined;
    }
  };

  const live = async (): Promise<void> => {
    let delay = options.retryDelayMs ?? 1000;
    while (running) {
      try {
        await follow();
      } catch (error) {
        if (!running) return;
        options.onError?.(error);
        if (errors.size === 0) for (const p of projections) errors.set(p.name, messageOf(error));
        await sleep(delay);
        delay = Math.min(delay * 2, 30_000);
        // A dropped or altered table fails every batch until it is recreated; the refresh then refolds from 0.
        await options.repairSchema?.().catch((repairError: unknown) => options.onError?.(repairError));
        await refresh().catch((refreshError: unknown) => options.onError?.(refreshError));
      }
    }
  };

  const stop = async (): Promise<void> => {
    running = false;
    await subscription?.close();
    await loop;
    loop = undefined;
  };

  const start = async (): Promise<void> => {
    if (running) return;
    await serialized(refresh);
    running = true;
    loop = (async () => {
      // Projections at checkpoint 0 (first start, version bump) are folded in bulk before following live, in the
      // background so that start() returns at once. Should that fail, the live loop applies the same events by batches.
      await bulkCatchUp(() => !running).catch((error: unknown) => options.onError?.(error));
      await live();
    })();
  };

  return {
    start,
    stop,
    async catchUp() {
      await serialized(refresh);
      return catchUp();
    },
    async rebuild(name) {
      let selected = name === undefined ? projections : projections.filter((p) => p.name === name);
      if (selected.length === 0) {
        throw new CosearchError(
          'NOT_FOUND',
          `expected a projection named one of ${[...names].join(', ')}, but got '${name ?? ''}'`,
        );
      }
      const wasRunning = running;
      await stop();
      rebuilding = true;
      try {
        // Recreated tables hold no rows and no checkpoints: every projection refolds, not only the one asked for.
        if (((await options.repairSchema?.()) ?? []).length > 0) selected = projections;
        await serialized(async () => {
          await refresh();
          await truncate(selected);
        });
        const position = await catchUp();
        errors.clear();
        return position;
      } finally {
        rebuilding = false;
        if (wasRunning) await start();
      }
    },
    waitForPosition(position, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (minPosition() < position) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new CosearchError(
              'ILLEGAL_STATE',
              `expected projections to reach position ${position} within ${timeoutMs} ms, but they are at ${minPosition()}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    position: minPosition,
    status: () =>
      projections.map((p) => {
        const error = errors.get(p.name) ?? null;
        const state = rebuilding ? 'rebuilding' : error !== null ? 'failed' : running ? 'live' : 'stopped';
        return { name: p.name, version: p.version, position: checkpoints.get(p.name) ?? 0, state, error };
      }),
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
