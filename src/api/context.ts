// What every resolver receives: the caller and the services behind the API. The read models, the hardware model
// and the config parser are ports, so the API starts (with `health` and the event views) even without them.
import type { ExperimentConfig } from '../events/index.js';
import type { EventStore } from '../store/index.js';
import type { Principal } from './auth.js';
import type { EventHub } from './eventHub.js';
import type { HeavyReads } from './heavyReads.js';
import type { StreamReads } from './streamReads.js';
import type { ApiLimits } from './limits.js';
import type { Candidate, CandidateStatus, Experiment, HardwareReport } from './types/experiment.js';
import type { Worker, WorkerState } from './types/worker.js';

/** A page request: `first` already checked against the cap; `after` an opaque cursor. */
export interface PageRequest {
  first: number;
  after: string | undefined;
}

export interface Page<T> {
  items: Array<{ cursor: string; node: T }>;
  hasNextPage: boolean;
  /** Rows matching the filter, ignoring paging. */
  totalCount: number;
}

export interface CandidateQuery extends PageRequest {
  experimentId: string;
  feasible: boolean | undefined;
  status: CandidateStatus | undefined;
  minAccuracy: number | undefined;
  maxLuts: number | undefined;
  orderBy: 'INDEX' | 'ACCURACY' | 'REWARD' | 'LUTS' | 'THROUGHPUT';
  descending: boolean;
}

/** Read-model queries (src/projections), shaped for the API. Each is an indexed query, never a log scan. */
export interface ReadModels {
  listExperiments(request: PageRequest & { status: string | undefined }): Promise<Page<Experiment>>;
  getExperiment(id: string): Promise<Experiment | undefined>;
  listCandidates(request: CandidateQuery): Promise<Page<Candidate>>;
  getCandidate(id: string): Promise<Candidate | undefined>;
  paretoFront(experimentId: string): Promise<Candidate[]>;
  /** The store's workers; stopped ones only with `includeStopped` or `state: STOPPED`. */
  listWorkers(request: { state: WorkerState | undefined; includeStopped: boolean }): Promise<Worker[]>;
  /** Rebuilds one projection from the log (recreating broken tables first); returns the position it reached. */
  rebuild(name: string): Promise<{ name: string; position: number }>;
  /** Each projection's checkpoint and state, and the read-model tables that are broken now. */
  status(): Promise<ReadModelsStatus>;
}

export interface ReadModelsStatus {
  projections: Array<{ name: string; position: number; state: string; error: string | null }>;
  problems: string[];
}

export interface HardwareConstraints {
  maxLuts: number | undefined;
  minFps: number | undefined;
}

/** The hardware model as a service (src/hardware). */
export interface HardwareService {
  devices(): string[];
  estimate(candidate: unknown, device: string, constraints: HardwareConstraints): HardwareReport;
}

/** A validated experiment config, ready for the ExperimentStarted event. */
export interface ParsedExperimentConfig {
  name: string;
  seed: number;
  config: ExperimentConfig;
}

export interface ApiServices {
  store: EventStore;
  hub: EventHub;
  limits: ApiLimits;
  /** Cache and per-client cap of the stream-reading fields (audit, replay, why, rescore). */
  heavyReads: HeavyReads;
  /** Where audit and replay-as-of run: inline, or on read threads (`cosearch serve`). */
  streamReads: StreamReads;
  readModels: ReadModels | undefined;
  hardware: HardwareService | undefined;
  /** Validates a raw config (search's parseExperimentConfig); throws BAD_USER_INPUT naming the field. */
  parseConfig: (raw: unknown) => ParsedExperimentConfig;
  version: string;
}

export interface ApiContext {
  /** null: no token was presented (and the server is not open). */
  principal: Principal | null;
  services: ApiServices;
}
