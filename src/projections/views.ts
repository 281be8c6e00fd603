// The read-model shapes the queries return (the API maps them to GraphQL types). Plain JSON-friendly objects.
import type { CandidateStatus } from '../experiment/index.js';
import type { ListWorkersOptions, WorkerView } from './workers.js';

export type ExperimentStatus = 'running' | 'completed' | 'failed' | 'cancelled';
export type { CandidateStatus };

/** Candidate counts of one experiment. `pruned` counts infeasible candidates rejected before training. */
export interface ExperimentCounts {
  proposed: number;
  pruned: number;
  trained: number;
  failed: number;
}

export interface ExperimentView {
  id: string;
  name: string;
  status: ExperimentStatus;
  /** The experiment config JSON as started (the search module owns its shape). */
  config: Record<string, unknown>;
  seed: number;
  counts: ExperimentCounts;
  /** Trained candidate with the highest accuracy (earliest index on ties), or null. */
  bestCandidateId: string | null;
  bestAccuracy: number | null;
  /** Why it completed or was cancelled; null while running. */
  reason: string | null;
  /** The failure of a failed experiment, else null. */
  error: { code: string; message: string } | null;
  /** ISO-8601 times from the events' recordedAt. */
  startedAt: string;
  finishedAt: string | null;
  updatedAt: string;
  /** Global `$all` position of the last event applied to this row. */
  lastPosition: number;
}

export interface ConstraintViolationView {
  constraint: string;
  limit: number;
  actual: number;
}

/** One point of a candidate's training curve (EpochCompleted). */
export interface EpochPoint {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valAccuracy: number | null;
  imagesPerSec: number;
}

export interface CandidateView {
  id: string;
  experimentId: string;
  /** 0-based index within the experiment. */
  index: number;
  /** The public candidate JSON (src/space/candidate.ts): layers, bits and folding. */
  candidate: Record<string, unknown>;
  controller: string;
  logProbs: number[];
  status: CandidateStatus;
  /** Hardware results; null until HardwareEvaluated. */
  device: string | null;
  luts: number | null;
  throughputFps: number | null;
  latencyMs: number | null;
  feasible: boolean | null;
  violations: ConstraintViolationView[];
  /** Per-layer hardware breakdown JSON as the hardware model wrote it. */
  layers: Record<string, unknown>[];
  /** Training results; null until CandidateTrained. */
  accuracy: number | null;
  testAccuracy: number | null;
  backend: string | null;
  trainSeconds: number | null;
  curve: EpochPoint[];
  reward: number | null;
  rewardReason: string | null;
  proposedAt: string;
  updatedAt: string;
  lastPosition: number;
}

/** Live progress of one experiment, for subscriptions and dashboards. */
export interface ProgressView {
  experimentId: string;
  status: ExperimentStatus;
  counts: ExperimentCounts;
  bestCandidateId: string | null;
  bestAccuracy: number | null;
  lastPosition: number;
  updatedAt: string;
}

/** A Relay-style page. Cursors are opaque strings. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Rows matching the filter, ignoring `first` and `after`. */
  totalCount: number;
}

export interface ListExperimentsOptions {
  /** Page size, 1..100. @default 20 */
  first?: number;
  /** Cursor of the last edge of the previous page. */
  after?: string | null;
  status?: ExperimentStatus | null;
}

export type CandidateOrderField = 'accuracy' | 'luts' | 'throughputFps' | 'index' | 'reward';

export interface CandidateFilter {
  feasible?: boolean | null;
  status?: CandidateStatus | null;
  /** Accuracy ≥ this (0..1); excludes untrained candidates. */
  minAccuracy?: number | null;
  /** LUTs ≤ this; excludes candidates not yet evaluated. */
  maxLuts?: number | null;
}

export interface ListCandidatesOptions {
  filter?: CandidateFilter | null;
  /** @default { field: 'index', direction: 'asc' } */
  orderBy?: { field: CandidateOrderField; direction: 'asc' | 'desc' } | null;
  /** Page size, 1..100. @default 20 */
  first?: number;
  after?: string | null;
}

/** The query functions over the read models. */
export interface ReadModelQueries {
  listExperiments(options?: ListExperimentsOptions): Promise<Connection<ExperimentView>>;
  getExperiment(id: string): Promise<ExperimentView | null>;
  listCandidates(experimentId: string, options?: ListCandidatesOptions): Promise<Connection<CandidateView>>;
  getCandidate(id: string): Promise<CandidateView | null>;
  /** Non-dominated trained feasible candidates over (accuracy max, luts min, throughputFps max), by accuracy desc. */
  paretoFront(experimentId: string): Promise<CandidateView[]>;
  getProgress(experimentId: string): Promise<ProgressView | null>;
  /** The store's `cosearch worker`s, newest start first; stopped ones only when asked. */
  listWorkers(options?: ListWorkersOptions): Promise<WorkerView[]>;
}

/** Largest `first` a page may ask for; more is BAD_USER_INPUT. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
