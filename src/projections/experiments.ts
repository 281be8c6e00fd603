// The experiments read model (read_experiments): status, config, counts, best candidate, times and last position,
// folded from every experiment event; plus its queries (list, get, progress). Counts and best are src/experiment's
// views of its fold, whose snapshot the row keeps in `model` so the next batch folds on from it.
import { CosearchError } from '../errors.js';
import {
  bestAccuracyOf,
  bestOf,
  countsOf,
  evolve,
  evolveInPlace,
  fromSnapshot,
  initialState,
  toSnapshot,
  type SearchState,
  type StateSnapshot,
} from '../experiment/index.js';
import { asExperimentEvent, isExperimentEventType } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import { decodeCursor, encodeCursor, pageSize, toConnection } from './pagination.js';
import { chunked, defineRowProjection, placeholders, type Projection } from './projection.js';
import { toNumber, toNumberOrNull, type SqlExecutor, type SqlRow, type SqlValue } from './sqlDatabase.js';
import type { Connection, ExperimentStatus, ExperimentView, ListExperimentsOptions, ProgressView } from './views.js';

export const EXPERIMENTS_TABLE = 'read_experiments';
const COLUMNS = [
  'id',
  'name',
  'status',
  'config',
  'seed',
  'proposed',
  'pruned',
  'trained',
  'failed',
  'best_candidate_id',
  'best_accuracy',
  'reason',
  'error',
  'started_at',
  'finished_at',
  'updated_at',
  'last_position',
  'model',
] as const;
const STATUSES: readonly ExperimentStatus[] = ['running', 'completed', 'failed', 'cancelled'];

const experimentIdOf = (event: RecordedEvent): string | undefined => {
  const id = (event.data as { experimentId?: unknown } | null)?.experimentId;
  return typeof id === 'string' ? id : undefined;
};

/** The fold's row: the view, and the experiment state (src/experiment's fold) its counts and best come from. */
type ExperimentRow = ExperimentView & { model: SearchState };

/** The view's counts and best candidate, from the experiment model's views (as every reader's). */
const withModelViews = (row: ExperimentRow): ExperimentRow => {
  const counts = countsOf(row.model);
  const best = bestOf(row.model);
  row.counts = { proposed: counts.proposed, pruned: counts.pruned, trained: counts.trained, failed: counts.failed };
  row.bestCandidateId = best?.candidateId ?? null;
  row.bestAccuracy = bestAccuracyOf(row.model);
  return row;
};

/** Folds one experiment event into a copy of `row`, or (`inPlace`, a bulk fold) into `row` itself. */
const foldExperiment = (
  row: ExperimentRow | undefined,
  recorded: RecordedEvent,
  inPlace: boolean,
): ExperimentRow | undefined => {
  const event = asExperimentEvent(recorded);
  if (event === undefined) return undefined;
  const at = recorded.metadata.recordedAt;
  if (event.type === 'ExperimentStarted') {
    if (row !== undefined) return undefined; // a replayed start changes nothing
    const { experimentId, name, config, seed } = event.data;
    return withModelViews({
      id: experimentId,
      name,
      status: 'running',
      config,
      seed,
      counts: { proposed: 0, pruned: 0, trained: 0, failed: 0 },
      bestCandidateId: null,
      bestAccuracy: null,
      reason: null,
      error: null,
      startedAt: at,
      finishedAt: null,
      updatedAt: at,
      lastPosition: recorded.position,
      model: evolveInPlace(initialState(experimentId), recorded),
    });
  }
  if (row === undefined) return undefined;
  const next: ExperimentRow = inPlace ? row : { ...row };
  next.model = inPlace ? evolveInPlace(row.model, recorded) : evolve(row.model, recorded);
  switch (event.type) {
    case 'ExperimentCompleted':
      next.status = 'completed';
      next.reason = event.data.reason;
      next.finishedAt = at;
      break;
    case 'ExperimentFailed':
      next.status = 'failed';
      next.error = { code: event.data.error.code, message: event.data.error.message };
      next.finishedAt = at;
      break;
    case 'ExperimentCancelled':
      next.status = 'cancelled';
      next.reason = event.data.reason;
      next.finishedAt = at;
      break;
    default:
      break;
  }
  next.updatedAt = at;
  next.lastPosition = recorded.position;
  return withModelViews(next);
};

/** Folds one experiment event into the row. Pure: the time and position come from the recorded event. */
const evolveExperimentRow = (row: ExperimentRow | undefined, recorded: RecordedEvent): ExperimentRow | undefined =>
  foldExperiment(row, recorded, false);

export const experimentFromRow = (r: SqlRow): ExperimentView => ({
  id: String(r.id),
  name: String(r.name),
  status: String(r.status) as ExperimentStatus,
  config: JSON.parse(String(r.config)) as Record<string, unknown>,
  seed: toNumber(r.seed),
  counts: {
    proposed: toNumber(r.proposed),
    pruned: toNumber(r.pruned),
    trained: toNumber(r.trained),
    failed: toNumber(r.failed),
  },
  bestCandidateId:
    r.best_candidate_id === null || r.best_candidate_id === undefined ? null : String(r.best_candidate_id),
  bestAccuracy: toNumberOrNull(r.best_accuracy),
  reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
  error:
    r.error === null || r.error === undefined
      ? null
      : (JSON.parse(String(r.error)) as { code: string; message: string }),
  startedAt: String(r.started_at),
  finishedAt: r.finished_at === null || r.finished_at === undefined ? null : String(r.finished_at),
  updatedAt: String(r.updated_at),
  lastPosition: toNumber(r.last_position),
});

const experimentToRow = (e: ExperimentRow): SqlValue[] => [
  e.id,
  e.name,
  e.status,
  JSON.stringify(e.config),
  e.seed,
  e.counts.proposed,
  e.counts.pruned,
  e.counts.trained,
  e.counts.failed,
  e.bestCandidateId,
  e.bestAccuracy,
  e.reason,
  e.error === null ? null : JSON.stringify(e.error),
  e.startedAt,
  e.finishedAt,
  e.updatedAt,
  e.lastPosition,
  JSON.stringify(toSnapshot(e.model)),
];

/** A stored row with its model restored, for the fold to continue from. */
const experimentRowFromDb = (r: SqlRow): ExperimentRow => {
  const view = experimentFromRow(r);
  return { ...view, model: fromSnapshot(view.id, JSON.parse(String(r.model)) as StateSnapshot) };
};

/** Creates the `experiments` projection. */
export const createExperimentsProjection = (): Projection =>
  defineRowProjection<ExperimentRow>({
    name: 'experiments',
    // 2: counts and best come from src/experiment's fold (its snapshot in `model`).
    version: 2,
    table: EXPERIMENTS_TABLE,
    canHandle: (event) => isExperimentEventType(event.type),
    keyOf: experimentIdOf,
    async load(tx, keys) {
      const rows = new Map<string, ExperimentRow>();
      for (const part of chunked(keys, 500)) {
        for (const r of await tx.query(
          `SELECT * FROM ${EXPERIMENTS_TABLE} WHERE id IN (${placeholders(part.length)})`,
          part,
        )) {
          const row = experimentRowFromDb(r);
          rows.set(row.id, row);
        }
      }
      return rows;
    },
    evolve: evolveExperimentRow,
    evolveInPlace: (row, event) => foldExperiment(row, event, true),
    save: (tx, rows) => tx.upsert(EXPERIMENTS_TABLE, COLUMNS, ['id'], rows.map(experimentToRow)),
    insert: (tx, rows) => tx.insertMany(EXPERIMENTS_TABLE, COLUMNS, rows.map(experimentToRow)),
  });

export const getExperiment = async (db: SqlExecutor, id: string): Promise<ExperimentView | null> => {
  const [row] = await db.query(`SELECT * FROM ${EXPERIMENTS_TABLE} WHERE id = ?`, [id]);
  return row === undefined ? null : experimentFromRow(row);
};

/** Experiments, newest first (startedAt desc, id desc). */
export const listExperiments = async (
  db: SqlExecutor,
  options: ListExperimentsOptions = {},
): Promise<Connection<ExperimentView>> => {
  const first = pageSize(options.first);
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (options.status !== undefined && options.status !== null) {
    if (!STATUSES.includes(options.status)) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected status to be one of ${STATUSES.join(', ')}, but got '${String(options.status)}'`,
      );
    }
    where.push('status = ?');
    params.push(options.status);
  }
  const countSql = `SELECT COUNT(*) AS n FROM ${EXPERIMENTS_TABLE}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const [count] = await db.query(countSql, params);
  if (options.after !== undefined && options.after !== null) {
    const key = decodeCursor(options.after, 'startedAt:desc');
    where.push('(started_at < ? OR (started_at = ? AND id < ?))');
    params.push(key.value, key.value, key.id);
  }
  const rows = await db.query(
    `SELECT * FROM ${EXPERIMENTS_TABLE}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`,
    [...params, first + 1],
  );
  return toConnection(rows.map(experimentFromRow), first, toNumber(count?.n), (e) =>
    encodeCursor({ order: 'startedAt:desc', value: e.startedAt, id: e.id }),
  );
};

export const getProgress = async (db: SqlExecutor, experimentId: string): Promise<ProgressView | null> => {
  const experiment = await getExperiment(db, experimentId);
  if (experiment === null) return null;
  const { id, status, counts, bestCandidateId, bestAccuracy, lastPosition, updatedAt } = experiment;
  return { experimentId: id, status, counts, bestCandidateId, bestAccuracy, lastPosition, updatedAt };
};
