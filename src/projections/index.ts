// Public surface of the projections: the runner, the read models (experiments, candidates, Pareto front,
// progress), their query functions and view types, and the SQL dialect adapter they are written against.
export { createProjectionRunner } from './runner.js';
export type { AppliedBatch, ProjectionRunner, ProjectionRunnerOptions, ProjectionStatus } from './runner.js';
export { checkReadModelSchema, repairReadModelSchema } from './readModelSchema.js';
export type { ReadModelSchemaProblem } from './readModelSchema.js';
export { defineRowProjection } from './projection.js';
export type { BulkFold, Projection, RowProjectionDefinition } from './projection.js';
export { createDefaultProjections, openProjections, openReadModelDatabase } from './openProjections.js';
export type {
  OpenedProjections,
  OpenProjectionsOptions,
  ReadModelDatabaseOptions,
  ReadModelHealth,
} from './openProjections.js';
export { createReadModelQueries } from './queries.js';
export { createExperimentsProjection, getExperiment, getProgress, listExperiments } from './experiments.js';
export { createCandidatesProjection, evolveCandidate, getCandidate, listCandidates } from './candidates.js';
export type { CandidateRow } from './candidates.js';
export { createWorkersProjection, evolveWorker, listWorkers } from './workers.js';
export type { ListWorkersOptions, WorkerState, WorkerView } from './workers.js';
export { paretoFront } from './pareto.js';
export { readCheckpoints } from './checkpoints.js';
export type { Checkpoint } from './checkpoints.js';
export { createSqliteDatabase } from './sqliteDatabase.js';
export type { SqliteDatabaseOptions } from './sqliteDatabase.js';
export { createPostgresDatabase } from './postgresDatabase.js';
export type { PostgresDatabaseOptions } from './postgresDatabase.js';
export { toPostgresPlaceholders } from './sqlDatabase.js';
export type { SqlDatabase, SqlDialect, SqlExecResult, SqlExecutor, SqlRow, SqlValue } from './sqlDatabase.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './views.js';
export type {
  CandidateFilter,
  CandidateOrderField,
  CandidateStatus,
  CandidateView,
  Connection,
  ConstraintViolationView,
  EpochPoint,
  ExperimentCounts,
  ExperimentStatus,
  ExperimentView,
  ListCandidatesOptions,
  ListExperimentsOptions,
  ProgressView,
  ReadModelQueries,
} from './views.js';
