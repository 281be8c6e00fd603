// The candidates read model (read_candidates): one row per proposed candidate with its hardware results,
// training curve, accuracy and reward; plus its queries (get, filtered and ordered pages).
import { CosearchError } from '../errors.js';
import { asExperimentEvent, isExperimentEventType } from '../events/index.js';
import {
  accuracyValueOf,
  candidateFromSnapshot,
  candidateSnapshot,
  candidateStatusOf,
  evolveCandidateRecord,
  type CandidateRecord,
  type CandidateSnapshot,
} from '../experiment/index.js';
import type { RecordedEvent } from '../store/index.js';
import { decodeCursor, encodeCursor, pageSize, toConnection } from './pagination.js';
import { chunked, defineRowProjection, placeholders, type Projection } from './projection.js';
import {
  toBooleanOrNull,
  toNumber,
  toNumberOrNull,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from './sqlDatabase.js';
import type {
  CandidateOrderField,
  CandidateStatus,
  CandidateView,
  Connection,
  ListCandidatesOptions,
} from './views.js';

export const CANDIDATES_TABLE = 'read_candidates';
const COLUMNS = [
  'id',
  'experiment_id',
  'idx',
  'candidate',
  'controller',
  'log_probs',
  'status',
  'device',
  'luts',
  'throughput_fps',
  'latency_ms',
  'feasible',
  'violations',
  'layers',
  'accuracy',
  'test_accuracy',
  'backend',
  'train_seconds',
  'curve',
  'reward',
  'reward_reason',
  'proposed_at',
  'updated_at',
  'last_position',
  'model',
] as const;
const STATUSES: readonly CandidateStatus[] = ['proposed', 'pruned', 'training', 'trained', 'failed'];

/**
 * The fold's row: the view with its write-once JSON columns kept as stored text, so a rebuild never parses or
 * re-serializes a candidate's architecture or hardware breakdown (the queries parse them), and the candidate's
 * record of the experiment model (src/experiment), stored as its snapshot in the `model` column.
 */
export type CandidateRow = Omit<CandidateView, 'candidate' | 'logProbs' | 'layers' | 'violations'> & {
  candidateJson: string;
  logProbsJson: string;
  layersJson: string;
  violationsJson: string;
  /** The experiment model's record of the candidate: its status and accuracy columns are that model's views. */
  model: CandidateRecord;
};

/** The row's model columns (status, accuracy) from its record, as every other reader of the experiment sees them. */
const withModel = (row: CandidateRow, model: CandidateRecord): CandidateRow => {
  row.model = model;
  row.status = candidateStatusOf(model);
  row.accuracy = accuracyValueOf(model);
  return row;
};

/**
 * Folds one candidate event into `row`: into a copy (`inPlace` false, the pure `evolveCandidate`) or into `row`
 * itself (a bulk fold, which owns its rows). One code path for both, so they cannot drift. The candidate's status
 * and accuracy come from the experiment model's record (evolveCandidateRecord); this fold adds only what the
 * model does not keep: the architecture, the hardware breakdown, the training curve, backend, times and reward.
 */
const foldCandidate = (
  row: CandidateRow | undefined,
  recorded: RecordedEvent,
  inPlace: boolean,
): CandidateRow | undefined => {
  const event = asExperimentEvent(recorded);
  if (event === undefined) return undefined;
  const at = recorded.metadata.recordedAt;
  if (event.type === 'CandidateProposed') {
    if (row !== undefined) return undefined;
    const d = event.data;
    const model = evolveCandidateRecord(undefined, recorded);
    if (model === undefined) return undefined;
    return withModel(
      {
        id: d.candidateId,
        experimentId: d.experimentId,
        index: d.index,
        candidateJson: JSON.stringify(d.candidate),
        controller: d.controller,
        logProbsJson: JSON.stringify(d.logProbs),
        status: 'proposed',
        device: null,
        luts: null,
        throughputFps: null,
        latencyMs: null,
        feasible: null,
        violationsJson: '[]',
        layersJson: '[]',
        accuracy: null,
        testAccuracy: null,
        backend: null,
        trainSeconds: null,
        curve: [],
        reward: null,
        rewardReason: null,
        proposedAt: at,
        updatedAt: at,
        lastPosition: recorded.position,
        model,
      },
      model,
    );
  }
  if (row === undefined) return undefined;
  const next: CandidateRow = inPlace ? row : { ...row };
  switch (event.type) {
    case 'HardwareEvaluated': {
      const d = event.data;
      next.device = d.device;
      next.luts = d.luts;
      next.throughputFps = d.throughputFps;
      next.latencyMs = d.latencyMs;
      next.feasible = d.feasible;
      next.violationsJson = JSON.stringify(
        d.violations.map((v) => ({ constraint: v.constraint, limit: v.limit, actual: v.actual })),
      );
      next.layersJson = JSON.stringify(d.layers);
      break;
    }
    case 'TrainingStarted':
      next.backend = event.data.backend;
      next.curve = [];
      break;
    case 'EpochCompleted': {
      const d = event.data;
      // A new array, never a push: the pure fold's copy shares `curve` with the row it came from.
      next.curve = [
        ...next.curve.filter((p) => p.epoch !== d.epoch),
        {
          epoch: d.epoch,
          loss: d.loss,
          trainAccuracy: d.trainAccuracy,
          valAccuracy: d.valAccuracy ?? null,
          imagesPerSec: d.imagesPerSec,
        },
      ];
      break;
    }
    case 'CandidateTrained': {
      const d = event.data;
      next.testAccuracy = d.testAccuracy ?? null;
      next.backend = d.backend;
      next.trainSeconds = d.trainSeconds;
      break;
    }
    case 'RewardAssigned':
      next.reward = event.data.reward;
      next.rewardReason = event.data.reason;
      break;
    case 'ExperimentFailed':
      // Reached through the projection's fanOut for each of the experiment's candidates that was training.
      break;
    case 'ExperimentStarted':
    case 'TrainingRequested':
    case 'PolicyUpdated':
    case 'ExperimentCompleted':
    case 'ExperimentCancelled':
    case 'ExperimentResumed':
    case 'CandidatePromoted':
    case 'RungClosed':
      return undefined;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled candidate event ${JSON.stringify(unhandled)}`);
    }
  }
  // After the switch, so the events this row ignores cost no copy of the model's record.
  const model = evolveCandidateRecord(row.model, recorded) ?? row.model;
  if (event.type === 'ExperimentFailed' && model === row.model) return undefined;
  next.updatedAt = at;
  next.lastPosition = recorded.position;
  return withModel(next, model);
};

/** Folds one candidate event into the row. Pure: times and positions come from the recorded event. */
export const evolveCandidate = (row: CandidateRow | undefined, recorded: RecordedEvent): CandidateRow | undefined =>
  foldCandidate(row, recorded, false);

const json = <T>(value: unknown, fallback: T): T =>
  value === null || value === undefined ? fallback : (JSON.parse(String(value)) as T);
const stringOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** A stored row's columns, the model's snapshot left unparsed (queries do not need it). */
const fieldsFromDb = (r: SqlRow): Omit<CandidateRow, 'model'> => ({
  id: String(r.id),
  experimentId: String(r.experiment_id),
  index: toNumber(r.idx),
  candidateJson: String(r.candidate),
  controller: String(r.controller),
  logProbsJson: String(r.log_probs),
  status: String(r.status) as CandidateStatus,
  device: stringOrNull(r.device),
  luts: toNumberOrNull(r.luts),
  throughputFps: toNumberOrNull(r.throughput_fps),
  latencyMs: toNumberOrNull(r.latency_ms),
  feasible: toBooleanOrNull(r.feasible),
  violationsJson: String(r.violations),
  layersJson: String(r.layers),
  accuracy: toNumberOrNull(r.accuracy),
  testAccuracy: toNumberOrNull(r.test_accuracy),
  backend: stringOrNull(r.backend),
  trainSeconds: toNumberOrNull(r.train_seconds),
  curve: json(r.curve, []),
  reward: toNumberOrNull(r.reward),
  rewardReason: stringOrNull(r.reward_reason),
  proposedAt: String(r.proposed_at),
  updatedAt: String(r.updated_at),
  lastPosition: toNumber(r.last_position),
});

/** A stored row as the fold continues it, with the candidate's model record restored from its snapshot. */
const rowFromDb = (r: SqlRow): CandidateRow => ({
  ...fieldsFromDb(r),
  model: candidateFromSnapshot(String(r.experiment_id), JSON.parse(String(r.model)) as CandidateSnapshot),
});

/** The query view of a stored row (JSON columns parsed). */
export const candidateFromRow = (r: SqlRow): CandidateView => {
  const { candidateJson, logProbsJson, layersJson, violationsJson, ...rest } = fieldsFromDb(r);
  return {
    ...rest,
    candidate: json(candidateJson, {}),
    logProbs: json(logProbsJson, []),
    layers: json(layersJson, []),
    violations: json(violationsJson, []),
  };
};

const candidateToRow = (c: CandidateRow): SqlValue[] => [
  c.id,
  c.experimentId,
  c.index,
  c.candidateJson,
  c.controller,
  c.logProbsJson,
  c.status,
  c.device,
  c.luts,
  c.throughputFps,
  c.latencyMs,
  c.feasible,
  c.violationsJson,
  c.layersJson,
  c.accuracy,
  c.testAccuracy,
  c.backend,
  c.trainSeconds,
  JSON.stringify(c.curve),
  c.reward,
  c.rewardReason,
  c.proposedAt,
  c.updatedAt,
  c.lastPosition,
  JSON.stringify(candidateSnapshot(c.model)),
];

/** Creates the `candidates` projection. */
export const createCandidatesProjection = (): Projection =>
  defineRowProjection<CandidateRow>({
    name: 'candidates',
    // 2: a candidate whose training was running when its experiment failed is 'failed' (was left 'training').
    // 3: the row keeps the experiment model's record (`model`); status and accuracy are that model's views.
    version: 3,
    table: CANDIDATES_TABLE,
    canHandle: (event) =>
      isExperimentEventType(event.type) &&
      (event.type === 'ExperimentFailed' || typeof (event.data as { candidateId?: unknown }).candidateId === 'string'),
    keyOf: (event) => {
      const id = (event.data as { candidateId?: unknown }).candidateId;
      return typeof id === 'string' ? id : undefined;
    },
    async load(tx, keys) {
      const rows = new Map<string, CandidateRow>();
      for (const part of chunked(keys, 500)) {
        for (const r of await tx.query(
          `SELECT * FROM ${CANDIDATES_TABLE} WHERE id IN (${placeholders(part.length)})`,
          part,
        )) {
          const row = rowFromDb(r);
          rows.set(row.id, row);
        }
      }
      return rows;
    },
    evolve: evolveCandidate,
    evolveInPlace: (row, event) => foldCandidate(row, event, true),
    fanOut: {
      handles: (event) => event.type === 'ExperimentFailed',
      affects: (row, event) =>
        row.status === 'training' && row.experimentId === (event.data as { experimentId?: unknown }).experimentId,
      storedKeys: async (tx, event) =>
        (
          await tx.query(`SELECT id FROM ${CANDIDATES_TABLE} WHERE experiment_id = ? AND status = 'training'`, [
            String((event.data as { experimentId?: unknown }).experimentId),
          ])
        ).map((r) => String(r.id)),
    },
    save: (tx, rows) => tx.upsert(CANDIDATES_TABLE, COLUMNS, ['id'], rows.map(candidateToRow)),
    insert: (tx, rows) => tx.insertMany(CANDIDATES_TABLE, COLUMNS, rows.map(candidateToRow)),
  });

export const getCandidate = async (db: SqlExecutor, id: string): Promise<CandidateView | null> => {
  const [row] = await db.query(`SELECT * FROM ${CANDIDATES_TABLE} WHERE id = ?`, [id]);
  return row === undefined ? null : candidateFromRow(row);
};

/**
 * Sort expressions: NULL (not yet evaluated/trained) sorts as a very small number, so it comes last in `desc`. Each is
 * indexed as `(experiment_id, <sql>, id)` by migrations/<dialect>/0101_read_models_candidate_order.sql: keep them equal.
 */
const ORDER: Record<CandidateOrderField, { sql: string; value: (c: CandidateView) => number }> = {
  accuracy: { sql: 'COALESCE(accuracy, -1e18)', value: (c) => c.accuracy ?? -1e18 },
  luts: { sql: 'COALESCE(luts, -1e18)', value: (c) => c.luts ?? -1e18 },
  throughputFps: { sql: 'COALESCE(throughput_fps, -1e18)', value: (c) => c.throughputFps ?? -1e18 },
  index: { sql: 'idx', value: (c) => c.index },
  reward: { sql: 'COALESCE(reward, -1e18)', value: (c) => c.reward ?? -1e18 },
};

const filterClauses = (
  experimentId: string,
  options: ListCandidatesOptions,
): { where: string[]; params: SqlValue[] } => {
  const where = ['experiment_id = ?'];
  const params: SqlValue[] = [experimentId];
  const filter = options.filter ?? {};
  if (filter.feasible !== undefined && filter.feasible !== null) {
    where.push('feasible = ?');
    params.push(filter.feasible);
  }
  if (filter.status !== undefined && filter.status !== null) {
    if (!STATUSES.includes(filter.status)) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected status to be one of ${STATUSES.join(', ')}, but got '${String(filter.status)}'`,
      );
    }
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.minAccuracy !== undefined && filter.minAccuracy !== null) {
    where.push('accuracy >= ?');
    params.push(filter.minAccuracy);
  }
  if (filter.maxLuts !== undefined && filter.maxLuts !== null) {
    where.push('luts <= ?');
    params.push(filter.maxLuts);
  }
  return { where, params };
};

/** A page of an experiment's candidates, filtered and ordered (ties broken by id in the same direction). */
export const listCandidates = async (
  db: SqlExecutor,
  experimentId: string,
  options: ListCandidatesOptions = {},
): Promise<Connection<CandidateView>> => {
  const first = pageSize(options.first);
  const field = options.orderBy?.field ?? 'index';
  const direction = options.orderBy?.direction ?? 'asc';
  const order = ORDER[field];
  if (order === undefined || (direction !== 'asc' && direction !== 'desc')) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected orderBy {field: ${Object.keys(ORDER).join('|')}, direction: asc|desc}, but got ${JSON.stringify(options.orderBy)}`,
    );
  }
  const orderKey = `${field}:${direction}`;
  const { where, params } = filterClauses(experimentId, options);
  const [count] = await db.query(`SELECT COUNT(*) AS n FROM ${CANDIDATES_TABLE} WHERE ${where.join(' AND ')}`, params);
  if (options.after !== undefined && options.after !== null) {
    const key = decodeCursor(options.after, orderKey);
    // `sort >= v AND (sort > v OR id > i)` rather than a row value: SQLite (unlike PostgreSQL) starts the index range
    // scan only from a plain comparison with the indexed expression; the OR then skips the cursor's ties.
    const [cmp, cmpOrEqual] = direction === 'asc' ? ['>', '>='] : ['<', '<='];
    where.push(`${order.sql} ${cmpOrEqual} ? AND (${order.sql} ${cmp} ? OR id ${cmp} ?)`);
    params.push(key.value, key.value, key.id);
  }
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const rows = await db.query(
    `SELECT * FROM ${CANDIDATES_TABLE} WHERE ${where.join(' AND ')} ORDER BY ${order.sql} ${dir}, id ${dir} LIMIT ?`,
    [...params, first + 1],
  );
  return toConnection(rows.map(candidateFromRow), first, toNumber(count?.n), (c) =>
    encodeCursor({ order: orderKey, value: order.value(c), id: c.id }),
  );
};
