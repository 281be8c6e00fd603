// Binds the read-model query functions to one SqlDatabase: the object the API's resolvers call.
import { getCandidate, listCandidates } from './candidates.js';
import { getExperiment, getProgress, listExperiments } from './experiments.js';
import { paretoFront } from './pareto.js';
import { listWorkers } from './workers.js';
import type { SqlExecutor } from './sqlDatabase.js';
import type { ReadModelQueries } from './views.js';

export const createReadModelQueries = (db: SqlExecutor): ReadModelQueries => ({
  listExperiments: (options) => listExperiments(db, options),
  getExperiment: (id) => getExperiment(db, id),
  listCandidates: (experimentId, options) => listCandidates(db, experimentId, options),
  getCandidate: (id) => getCandidate(db, id),
  paretoFront: (experimentId) => paretoFront(db, experimentId),
  getProgress: (experimentId) => getProgress(db, experimentId),
  listWorkers: (options) => listWorkers(db, options),
});
