// The workers read model (read_workers): one row per `cosearch worker` id, folded from its worker-<id> stream and
// the job-stream events it writes; plus its query. A training worker whose lease ran out reads as 'unresponsive'.
import { JOB_STREAM_PREFIX, WORKER_STREAM_PREFIX, type JobEventData, type WorkerEventData } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import { chunked, defineRowProjection, placeholders, type Projection } from './projection.js';
import { toNumber, toNumberOrNull, type SqlExecutor, type SqlRow, type SqlValue } from './sqlDatabase.js';

const TABLE = 'read_workers';
const COLUMNS = [
  'id',
  'host',
  'pid',
  'state',
  'current_job',
  'current_experiment',
  'current_candidate',
  'current_attempt',
  'lease_expires_at',
  'heartbeat_at',
  'started_at',
  'stopped_at',
  'stop_reason',
  'trained',
  'rejected',
  'last_position',
] as const;

/** 'unresponsive' is never stored: it is a 'training' row whose lease has run out when read. */
export type WorkerState = 'idle' | 'training' | 'unresponsive' | 'stopped';

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  state: WorkerState;
  currentJob: string | null;
  currentExperimentId: string | null;
  currentCandidateId: string | null;
  currentAttempt: number | null;
  leaseExpiresAt: string | null;
  /** Time of its last event (start, claim, heartbeat, epoch, result, stop). */
  heartbeatAt: string;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  /** Results it reported that were counted. */
  trained: number;
  /** Results it reported after losing the lease: recorded, never counted. */
  rejected: number;
  lastPosition: number;
}

const HANDLED = new Set([
  'WorkerStarted',
  'WorkerStopped',
  'TrainingClaimed',
  'LeaseRenewed',
  'EpochReported',
  'TrainingReported',
  'TrainingResultRejected',
  'TrainingAbandoned',
]);

const workerIdOf = (event: RecordedEvent): string | undefined => {
  const id = (event.data as { workerId?: unknown } | null)?.workerId;
  return typeof id === 'string' ? id : undefined;
};

const idle = (row: WorkerView): WorkerView => ({
  ...row,
  state: 'idle',
  currentJob: null,
  currentExperimentId: null,
  currentCandidateId: null,
  currentAttempt: null,
  leaseExpiresAt: null,
});
const holds = (row: WorkerView, d: { jobId: string; attempt: number }): boolean =>
  row.currentJob === d.jobId && row.currentAttempt === d.attempt;

/** Pure fold: the worker's row after one of its events. */
export const evolveWorker = (row: WorkerView | undefined, event: RecordedEvent): WorkerView | undefined => {
  const at = event.metadata.recordedAt;
  const base: WorkerView = row ?? {
    id: workerIdOf(event) ?? '',
    host: 'unknown',
    pid: 0,
    state: 'idle',
    currentJob: null,
    currentExperimentId: null,
    currentCandidateId: null,
    currentAttempt: null,
    leaseExpiresAt: null,
    heartbeatAt: at,
    startedAt: at,
    stoppedAt: null,
    stopReason: null,
    trained: 0,
    rejected: 0,
    lastPosition: 0,
  };
  const next: WorkerView = { ...base, heartbeatAt: at, lastPosition: event.position };
  switch (event.type) {
    case 'WorkerStarted': {
      const d = event.data as WorkerEventData['WorkerStarted'];
      return { ...idle(next), host: d.host, pid: d.pid, startedAt: at, stoppedAt: null, stopReason: null };
    }
    case 'WorkerStopped': {
      const d = event.data as WorkerEventData['WorkerStopped'];
      return { ...idle(next), state: 'stopped', stoppedAt: at, stopReason: d.reason };
    }
    case 'TrainingClaimed': {
      const d = event.data as JobEventData['TrainingClaimed'];
      return {
        ...next,
        state: 'training',
        host: d.host,
        currentJob: d.jobId,
        currentExperimentId: d.experimentId,
        currentCandidateId: d.candidateId,
        currentAttempt: d.attempt,
        leaseExpiresAt: d.leaseExpiresAt,
      };
    }
    case 'LeaseRenewed':
    case 'EpochReported': {
      const d = event.data as JobEventData['LeaseRenewed'];
      return holds(next, d) ? { ...next, leaseExpiresAt: d.leaseExpiresAt } : next;
    }
    case 'TrainingReported': {
      const d = event.data as JobEventData['TrainingReported'];
      return holds(next, d) ? { ...idle(next), trained: next.trained + 1 } : next;
    }
    case 'TrainingResultRejected': {
      const d = event.data as JobEventData['TrainingResultRejected'];
      const counted = { ...next, rejected: next.rejected + 1 };
      return holds(next, d) ? idle(counted) : counted;
    }
    case 'TrainingAbandoned': {
      const d = event.data as JobEventData['TrainingAbandoned'];
      return holds(next, d) ? idle(next) : next;
    }
    default:
      return undefined;
  }
};

const fromRow = (r: SqlRow): WorkerView => {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    host: String(r.host),
    pid: toNumber(r.pid),
    state: String(r.state) as WorkerState,
    currentJob: text(r.current_job),
    currentExperimentId: text(r.current_experiment),
    currentCandidateId: text(r.current_candidate),
    currentAttempt: toNumberOrNull(r.current_attempt),
    leaseExpiresAt: text(r.lease_expires_at),
    heartbeatAt: String(r.heartbeat_at),
    startedAt: String(r.started_at),
    stoppedAt: text(r.stopped_at),
    stopReason: text(r.stop_reason),
    trained: toNumber(r.trained),
    rejected: toNumber(r.rejected),
    lastPosition: toNumber(r.last_position),
  };
};

const toRow = (w: WorkerView): SqlValue[] => [
  w.id,
  w.host,
  w.pid,
  w.state,
  w.currentJob,
  w.currentExperimentId,
  w.currentCandidateId,
  w.currentAttempt,
  w.leaseExpiresAt,
  w.heartbeatAt,
  w.startedAt,
  w.stoppedAt,
  w.stopReason,
  w.trained,
  w.rejected,
  w.lastPosition,
];

/** Creates the `workers` projection. */
export const createWorkersProjection = (): Projection =>
  defineRowProjection<WorkerView>({
    name: 'workers',
    version: 1,
    table: TABLE,
    canHandle: (event) =>
      HANDLED.has(event.type) &&
      (event.streamId.startsWith(JOB_STREAM_PREFIX) || event.streamId.startsWith(WORKER_STREAM_PREFIX)),
    keyOf: workerIdOf,
    async load(tx, keys) {
      const rows = new Map<string, WorkerView>();
      for (const part of chunked(keys, 500)) {
        for (const r of await tx.query(`SELECT * FROM ${TABLE} WHERE id IN (${placeholders(part.length)})`, part))
          rows.set(String(r.id), fromRow(r));
      }
      return rows;
    },
    evolve: evolveWorker,
    save: (tx, rows) => tx.upsert(TABLE, COLUMNS, ['id'], rows.map(toRow)),
    insert: (tx, rows) => tx.insertMany(TABLE, COLUMNS, rows.map(toRow)),
  });

/** Options of listWorkers. */
export interface ListWorkersOptions {
  /** Only workers in this state ('unresponsive': training with its lease run out at `nowMs`). */
  state?: WorkerState | null;
  /** Include stopped workers. @default false */
  includeStopped?: boolean;
  /** The time leases are judged at, epoch ms. @default Date.now() */
  nowMs?: number;
}

/** The store's workers, newest start first (at most 500). */
export const listWorkers = async (db: SqlExecutor, options: ListWorkersOptions = {}): Promise<WorkerView[]> => {
  const now = options.nowMs ?? Date.now();
  const rows = await db.query(`SELECT * FROM ${TABLE} ORDER BY started_at DESC, id DESC LIMIT 500`, []);
  return rows
    .map(fromRow)
    .map((w) =>
      w.state === 'training' && w.leaseExpiresAt !== null && Date.parse(w.leaseExpiresAt) < now
        ? { ...w, state: 'unresponsive' as const }
        : w,
    )
    .filter((w) =>
      options.state === undefined || options.state === null
        ? options.includeStopped === true || w.state !== 'stopped'
        : w.state === options.state,
    );
};
