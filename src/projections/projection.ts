// What a projection is: a declared object {name, version, tables, canHandle, applyBatch}. Row projections
// (one row per key, folded in memory per batch with `evolve(row, event)`) are built with defineRowProjection.
import type { RecordedEvent } from '../store/index.js';
import type { SqlExecutor } from './sqlDatabase.js';

export interface Projection {
  /** Unique name; the key of its checkpoint row. */
  readonly name: string;
  /** Bump to make the runner truncate `tables` and replay from position 0. */
  readonly version: number;
  /** Read-model tables this projection owns (emptied on rebuild). */
  readonly tables: readonly string[];
  canHandle(event: RecordedEvent): boolean;
  /** Applies handled events, in position order, inside the runner's transaction (with the checkpoint update). */
  applyBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Optional bulk mode for a projection whose tables are empty (checkpoint 0: first run, rebuild, version bump):
   * folds every event from position 0 in memory and writes the final rows once, instead of per batch.
   */
  createBulkFold?(): BulkFold;
}

/** An in-memory fold from position 0 (see Projection.createBulkFold). */
export interface BulkFold {
  /** Folds handled events, in position order, into rows held in memory. Synchronous and free of I/O. */
  add(events: readonly RecordedEvent[]): void;
  /** Rows held in memory (the runner writes them out early past its row limit). */
  readonly size: number;
  /** Writes the folded rows into the projection's tables, emptied before in the same transaction. */
  write(tx: SqlExecutor): Promise<void>;
}

/** A projection keeping one row per key (experiment id, candidate id). */
export interface RowProjectionDefinition<Row> {
  name: string;
  version: number;
  table: string;
  canHandle(event: RecordedEvent): boolean;
  /** The row an event updates, or undefined to skip it. */
  keyOf(event: RecordedEvent): string | undefined;
  /** Loads the stored rows of `keys` (missing keys are simply absent from the map), as new objects each call. */
  load(tx: SqlExecutor, keys: readonly string[]): Promise<Map<string, Row>>;
  /** Pure fold: the row after `event`. `row` is undefined for a key not seen yet; return undefined to leave it. */
  evolve(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /**
   * Optional: the same fold, allowed to change `row` and return it (a batch and a bulk fold own the rows they
   * loaded, so copying each row per event would only feed the garbage collector). @default evolve
   */
  evolveInPlace?(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /**
   * Optional: events that change other rows than keyOf's, such as ExperimentFailed marking an experiment's running
   * candidates failed. At such an event `evolve` runs on every row in memory that `affects` selects; before a
   * batch, `storedKeys` names the stored rows to load for it (a bulk fold holds every row and needs no lookup).
   */
  fanOut?: {
    handles(event: RecordedEvent): boolean;
    affects(row: Row, event: RecordedEvent): boolean;
    storedKeys(tx: SqlExecutor, event: RecordedEvent): Promise<string[]>;
  };
  /** Writes the changed rows (upsert). */
  save(tx: SqlExecutor, rows: readonly Row[]): Promise<void>;
  /** Optional: writes new rows into the emptied table (`insertMany`), for bulk folds. @default save */
  insert?(tx: SqlExecutor, rows: readonly Row[]): Promise<void>;
}

/** Rows per `save` call of a bulk fold: bounds the serialized rows alive at once. */
const BULK_SAVE_ROWS = 5000;

/**
 * Turns a row definition into a Projection that, per batch, loads each touched row once, folds all of the
 * batch's events into it in memory, and writes each changed row once. That is what makes rebuilds fast.
 */
export const defineRowProjection = <Row>(definition: RowProjectionDefinition<Row>): Projection => ({
  name: definition.name,
  version: definition.version,
  tables: [definition.table],
  canHandle: definition.canHandle,
  async applyBatch(tx, events) {
    const { fanOut } = definition;
    const steps: { key: string | undefined; event: RecordedEvent }[] = [];
    const keys = new Set<string>();
    for (const event of events) {
      if (fanOut?.handles(event) === true) {
        steps.push({ key: undefined, event });
        for (const key of await fanOut.storedKeys(tx, event)) keys.add(key);
        continue;
      }
      const key = definition.keyOf(event);
      if (key === undefined) continue;
      steps.push({ key, event });
      keys.add(key);
    }
    if (steps.length === 0) return;
    // `load` returns fresh rows this batch owns, so the fold may change them in place: a pure fold would copy an
    // experiment's whole model per event, O(events × candidates) when a live batch catches up a large experiment.
    const rows = await definition.load(tx, [...keys]);
    const evolve = definition.evolveInPlace ?? definition.evolve;
    const changed = new Map<string, Row>();
    const apply = (key: string, event: RecordedEvent): void => {
      const next = evolve(rows.get(key), event);
      if (next === undefined) return;
      rows.set(key, next);
      changed.set(key, next);
    };
    for (const { key, event } of steps) {
      if (key !== undefined) apply(key, event);
      else for (const [k, row] of [...rows]) if (fanOut?.affects(row, event) === true) apply(k, event);
    }
    if (changed.size > 0) await definition.save(tx, [...changed.values()]);
  },
  createBulkFold() {
    // Keys are tracked without the table: a bulk fold starts from empty tables, so a key not held is new.
    const rows = new Map<string, Row>();
    const evolve = definition.evolveInPlace ?? definition.evolve;
    return {
      add(events) {
        for (const event of events) {
          if (definition.fanOut?.handles(event) === true) {
            for (const [key, row] of rows) {
              if (!definition.fanOut.affects(row, event)) continue;
              const next = evolve(row, event);
              if (next !== undefined && next !== row) rows.set(key, next);
            }
            continue;
          }
          const key = definition.keyOf(event);
          if (key === undefined) continue;
          const row = rows.get(key);
          const next = evolve(row, event);
          if (next !== undefined && next !== row) rows.set(key, next);
        }
      },
      get size() {
        return rows.size;
      },
      async write(tx) {
        const all = [...rows.values()];
        const write = definition.insert ?? definition.save;
        for (const part of chunked(all, BULK_SAVE_ROWS)) await write(tx, part);
      },
    };
  },
});

/** Splits `items` into chunks of at most `size` (for `IN (…)` lists). */
export const chunked = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** `?, ?, ?` for n placeholders. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
