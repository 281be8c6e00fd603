// Adapts the projections' read-model queries (src/projections views: lower-case statuses, `counts`, flat hardware
// columns) to the API's ReadModels port and GraphQL shapes.
import type {
  CandidateOrderField,
  CandidateView,
  Connection,
  ExperimentView,
  ReadModelQueries,
  WorkerView,
} from '../projections/index.js';
import type { CandidateQuery, Page, ReadModels, ReadModelsStatus } from './context.js';
import { CandidateStatus, ExperimentStatus, type Candidate, type Experiment } from './types/experiment.js';
import { WorkerState, type Worker } from './types/worker.js';

/** The projections' queries the adapter calls. */
export type ProjectionQueries = Pick<
  ReadModelQueries,
  'listExperiments' | 'getExperiment' | 'listCandidates' | 'getCandidate' | 'paretoFront' | 'listWorkers'
>;

export const toExperiment = (view: ExperimentView): Experiment => ({
  id: view.id,
  name: view.name,
  // Indexing by the upper-cased view statuses compiles only while every projection status is a GraphQL enum key.
  status: ExperimentStatus[view.status.toUpperCase() as Uppercase<ExperimentView['status']>],
  config: view.config,
  seed: view.seed,
  proposed: view.counts.proposed,
  pruned: view.counts.pruned,
  trained: view.counts.trained,
  failed: view.counts.failed,
  bestCandidateId: view.bestCandidateId,
  bestAccuracy: view.bestAccuracy,
  startedAt: view.startedAt,
  finishedAt: view.finishedAt,
  durationSeconds: view.finishedAt === null ? null : (Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000,
  reason: view.error?.message ?? view.reason,
});

export const toCandidate = (view: CandidateView): Candidate => ({
  id: view.id,
  experimentId: view.experimentId,
  index: view.index,
  status: CandidateStatus[view.status.toUpperCase() as Uppercase<CandidateView['status']>],
  controller: view.controller,
  candidate: view.candidate,
  hardware:
    view.device === null
      ? null
      : {
          device: view.device,
          luts: view.luts ?? 0,
          throughputFps: view.throughputFps ?? 0,
          latencyMs: view.latencyMs ?? 0,
          feasible: view.feasible ?? false,
          violations: view.violations,
          layers: view.layers,
        },
  accuracy: view.accuracy,
  testAccuracy: view.testAccuracy,
  trainSeconds: view.trainSeconds,
  reward: view.reward,
  rewardReason: view.rewardReason,
  proposedAt: view.proposedAt,
  trainingCurve: view.curve,
});

export const toWorker = (view: WorkerView): Worker => ({
  id: view.id,
  host: view.host,
  pid: view.pid,
  state: WorkerState[view.state.toUpperCase() as Uppercase<WorkerView['state']>],
  currentCandidate: view.currentCandidateId,
  currentExperiment: view.currentExperimentId,
  currentJob: view.currentJob,
  leaseExpiresAt: view.leaseExpiresAt,
  heartbeatAt: view.heartbeatAt,
  startedAt: view.startedAt,
  stopReason: view.stopReason,
  trained: view.trained,
  rejected: view.rejected,
});

const toPage = <V, T>(connection: Connection<V>, map: (view: V) => T): Page<T> => ({
  items: connection.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })),
  hasNextPage: connection.pageInfo.hasNextPage,
  totalCount: connection.totalCount,
});

const ORDER: Record<CandidateQuery['orderBy'], CandidateOrderField> = {
  INDEX: 'index',
  ACCURACY: 'accuracy',
  REWARD: 'reward',
  LUTS: 'luts',
  THROUGHPUT: 'throughputFps',
};

export const createReadModelsAdapter = (
  queries: ProjectionQueries,
  rebuild: (name: string) => Promise<number>,
  status: () => Promise<ReadModelsStatus> = async () => ({ projections: [], problems: [] }),
): ReadModels => ({
  status,
  listExperiments: async ({ first, after, status }) =>
    toPage(
      await queries.listExperiments({
        first,
        after: after ?? null,
        status: status === undefined ? null : (status.toLowerCase() as Lowercase<ExperimentStatus>),
      }),
      toExperiment,
    ),
  getExperiment: async (id) => {
    const view = await queries.getExperiment(id);
    return view === null ? undefined : toExperiment(view);
  },
  listCandidates: async (request) =>
    toPage(
      await queries.listCandidates(request.experimentId, {
        first: request.first,
        after: request.after ?? null,
        filter: {
          feasible: request.feasible ?? null,
          status: request.status === undefined ? null : (request.status.toLowerCase() as Lowercase<CandidateStatus>),
          minAccuracy: request.minAccuracy ?? null,
          maxLuts: request.maxLuts ?? null,
        },
        orderBy: { field: ORDER[request.orderBy], direction: request.descending ? 'desc' : 'asc' },
      }),
      toCandidate,
    ),
  getCandidate: async (id) => {
    const view = await queries.getCandidate(id);
    return view === null ? undefined : toCandidate(view);
  },
  paretoFront: async (experimentId) => (await queries.paretoFront(experimentId)).map(toCandidate),
  listWorkers: async ({ state, includeStopped }) =>
    (
      await queries.listWorkers({
        state: state === undefined ? null : (state.toLowerCase() as Lowercase<WorkerState>),
        includeStopped,
      })
    ).map(toWorker),
  rebuild: async (name) => ({ name, position: await rebuild(name) }),
});
