// The result of a search as the CLI and the API show it: best feasible candidate, counts and the Pareto front.
import type { ExperimentConfig } from './config.js';
import {
  accuracyOf,
  bestOf,
  countsOf,
  paretoOf,
  type ExperimentCounts,
  type ParetoPoint,
  type SearchState,
} from '../experiment/index.js';

export interface BestCandidate {
  candidateId: string;
  index: number;
  accuracy: number;
  luts: number;
  throughputFps: number;
  candidate: Record<string, unknown>;
}

export interface SearchSummary extends ExperimentCounts {
  experimentId: string;
  status: SearchState['status'];
  best: BestCandidate | null;
  /** Non-dominated feasible trained candidates over accuracy, LUTs and img/s. */
  paretoFront: ParetoPoint[];
  controller: string;
  /** Set when the experiment scored candidates with this zero-cost score: `best.accuracy` is that score, not 0..1. */
  zeroCost?: string;
  /** Why a failed search failed (its ExperimentFailed error); null otherwise. */
  failure: { code: string; message: string } | null;
}

export const summarize = (state: SearchState, config: ExperimentConfig): SearchSummary => {
  const best = bestOf(state);
  const folded = best?.hardware?.foldedCandidate;
  return {
    experimentId: state.experimentId,
    status: state.status,
    best:
      best === undefined
        ? null
        : {
            candidateId: best.candidateId,
            index: best.index,
            accuracy: accuracyOf(best) ?? 0,
            luts: best.hardware?.luts ?? 0,
            throughputFps: best.hardware?.throughputFps ?? 0,
            candidate: folded === undefined ? best.proposal.candidate : { ...folded },
          },
    ...countsOf(state),
    paretoFront: paretoOf(state),
    controller: config.controller.kind,
    ...(config.training.zeroCost === undefined ? {} : { zeroCost: config.training.zeroCost }),
    failure: state.failure ?? null,
  };
};
