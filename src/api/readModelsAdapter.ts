// Adapts the projections' read-model queries (src/projections views: lower-case statuses, `counts`, flat hardware
// columns) to the API's ReadModels port and GraphQL shapes. Structural types, so this file imports nothing of theirs.
import type { CandidateQuery, Page, ReadModels } from './context.js';
import { CandidateStatus, ExperimentStatus, type Candidate, type Experiment } from './types/experiment.js';

interface ConnectionLike<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean };
  totalCount: number;
}

type Lower<S extends string> = Lowercase<S>;

/** The ExperimentView fields the API reads. */
export interface ExperimentViewLike {
  id: string;
  name: string;
  status: Lower<ExperimentStatus>;
  config: Record<string, unknown>;
  seed: number;
  counts: { proposed: number; pruned: number; trained: number; failed: number };
  bestCandidateId: string | null;
  bestAccuracy: number | null;
  reason: string | null;
  error: { code: string; message: string } | null;
  startedAt: string;
  finishedAt: string | null;
}

/** The CandidateView fields the API reads. */
export interface CandidateViewLike {
  id: string;
  experimentId: string;
  index: number;
  candidate: Record<string, unknown>;
  controller: string;
  status: Lower<CandidateStatus>;
  device: string | null;
  luts: number | null;
  throughputFps: number | null;
  latencyMs: number | null;
  feasible: boolean | null;
  violations: Array<{ constraint: string; limit: number; actual: number }>;
  layers: Record<string, unknown>[];
  accuracy: number | null;
  testAccuracy: number | null;
  trainSeconds: number | null;
  curve: Array<{ epoch: number; loss: number; trainAccuracy: number; valAccuracy: number | null; imagesPerSec: number }>;
  reward: number | null;
  rewardReason: string | null;
  proposedAt: string;
}

type OrderField = 'accuracy' | 'luts' | 'throughputFps' | 'index' | 'reward';

/** What src/projections provides: its ReadModelQueries plus the runner's rebuild. */
export interface ProjectionQueriesLike {
  listExperiments(options: { first: number; after: string | null; status: Lower<ExperimentStatus> | null }): Promise<ConnectionLike<ExperimentViewLike>>;
  getExperiment(id: string): Promise<ExperimentViewLike | null>;
  listCandidates(
    experimentId: string,
    options: {
      first: number;
      after: string | null;
      filter: { feasible: boolean | null; status: Lower<CandidateStatus> | null; minAccuracy: number | null; maxLuts: number | null };
      orderBy: { field: OrderField; direction: 'asc' | 'desc' };
    },
  ): Promise<ConnectionLike<CandidateViewLike>>;
  getCandidate(id: string): Promise<CandidateViewLike | null>;
  paretoFront(experimentId: string): Promise<CandidateViewLike[]>;
}

export const toExperiment = (view: ExperimentViewLike): Experiment => ({
  id: view.id,
  name: view.name,
  status: ExperimentStatus[view.status.toUpperCase() as keyof typeof ExperimentStatus],
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

export const toCandidate = (view: CandidateViewLike): Candidate => ({
  id: view.id,
  experimentId: view.experimentId,
  index: view.index,
  status: CandidateStatus[view.status.toUpperCase() as keyof typeof CandidateStatus],
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

const toPage = <V, T>(connection: ConnectionLike<V>, map: (view: V) => T): Page<T> => ({
  items: connection.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })),
  hasNextPage: connection.pageInfo.hasNextPage,
  totalCount: connection.totalCount,
});

const ORDER: Record<CandidateQuery['orderBy'], OrderField> = {
  INDEX: 'index',
  ACCURACY: 'accuracy',
  REWARD: 'reward',
  LUTS: 'luts',
  THROUGHPUT: 'throughputFps',
};

export const createReadModelsAdapter = (
  queries: ProjectionQueriesLike,
  rebuild: (name: string) => Promise<number>,
): ReadModels => ({
  listExperiments: async ({ first, after, status }) =>
    toPage(await queries.listExperiments({ first, after: after ?? null, status: status === undefined ? null : (status.toLowerCase() as Lower<ExperimentStatus>) }), toExperiment),
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
          status: request.status === undefined ? null : (request.status.toLowerCase() as Lower<CandidateStatus>),
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
  rebuild: async (name) => ({ name, position: await rebuild(name) }),
});
