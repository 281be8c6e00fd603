// The experiment stream's domain model: its one fold (initialState / evolve), the views every reader shows (counts,
// best candidate, Pareto front) and the one Pareto rule. Depends only on events and store types.
export {
  accuracyOf,
  evolve,
  evolveCandidateRecord,
  evolveInPlace,
  foldStream,
  initialState,
  isFeasibleTrained,
  isTraining,
  ranksAbove,
  scoreAt,
  topRungOf,
  trainingKind,
} from './state.js';
export type {
  CandidateRecord,
  ExperimentCounts,
  OutstandingJob,
  RungRecord,
  SearchState,
  SearchStatus,
} from './state.js';
export {
  accuracyValueOf,
  bestAccuracyOf,
  bestOf,
  candidateStatusOf,
  countsOf,
  paretoOf,
  paretoPointOf,
} from './views.js';
export type { CandidateStatus } from './views.js';
export { byParetoOrder, dominates, paretoFront } from './pareto.js';
export type { ParetoPoint } from './pareto.js';
export { candidateFromSnapshot, candidateSnapshot, fromSnapshot, toSnapshot } from './snapshot.js';
export type { CandidateSnapshot, StateSnapshot } from './snapshot.js';
