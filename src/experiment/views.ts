// What every reader shows of an experiment, derived from the one fold (state.ts): its counts, its best feasible
// candidate and its Pareto front. The search summary, ExperimentCompleted, the API's progress, the read models,
// replay and the CLI all take them from here, so they cannot disagree.
import { isZeroCostScore } from '../events/index.js';
import { paretoFront, type ParetoPoint } from './pareto.js';
import {
  accuracyOf,
  bestCandidateOf,
  isFeasibleTrained,
  isTraining,
  topRungOf,
  type CandidateRecord,
  type ExperimentCounts,
  type SearchState,
} from './state.js';

/** The candidate counts (kept by the fold; a copy). */
export const countsOf = (state: SearchState): ExperimentCounts => ({ ...state.counts });

/** The best feasible trained candidate (higher score, then the earlier proposal), or undefined. */
export const bestOf = (state: SearchState): CandidateRecord | undefined => bestCandidateOf(state);

/** The best candidate's accuracy (accuracyValueOf), or null when there is none. */
export const bestAccuracyOf = (state: SearchState): number | null => {
  const best = bestOf(state);
  return best === undefined ? null : accuracyValueOf(best);
};

/** A candidate's accuracy as a probability, or null: a zero-cost score is a score, not an accuracy. */
export const accuracyValueOf = (c: CandidateRecord): number | null => {
  const result = c.finalTrained ?? c.trained;
  if (result === undefined || isZeroCostScore(result)) return null;
  return accuracyOf(c) ?? null;
};

/** The Pareto point of a feasible trained candidate. */
export const paretoPointOf = (c: CandidateRecord): ParetoPoint => ({
  candidateId: c.candidateId,
  index: c.index,
  accuracy: accuracyOf(c) ?? 0,
  luts: c.hardware?.luts ?? 0,
  throughputFps: c.hardware?.throughputFps ?? 0,
});

/** The feasible trained candidates no other one beats on accuracy, LUTs and img/s (pareto.ts's rule and order). */
export const paretoOf = (state: SearchState): ParetoPoint[] =>
  paretoFront(state.candidates.filter(isFeasibleTrained).map(paretoPointOf));

/** Where a candidate stands: the class the counts put it in, one word per candidate. */
export type CandidateStatus = 'proposed' | 'pruned' | 'training' | 'trained' | 'failed';

/**
 * A candidate's status, by the counts' classes: failed (its training was running when the experiment failed), else
 * training (a training of it runs now), else trained (a proxy, rung or final result), else pruned (the hardware model
 * rejected it), else proposed.
 */
export const candidateStatusOf = (c: CandidateRecord): CandidateStatus => {
  if (c.failed) return 'failed';
  if (isTraining(c)) return 'training';
  if (c.trained !== undefined || c.finalTrained !== undefined || topRungOf(c) > 0) return 'trained';
  if (!c.float && c.hardware !== undefined && !c.hardware.feasible) return 'pruned';
  return 'proposed';
};
