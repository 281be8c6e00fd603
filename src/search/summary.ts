// The result of a search as the CLI and the API show it: best feasible candidate, counts and the Pareto front.
import type { ExperimentConfig } from './config.js';
import { paretoFront, type ParetoPoint } from './pareto.js';
import { accuracyOf, bestOf, countsOf, isFeasibleTrained, type SearchState } from './state.js';

export interface BestCandidate {
  candidateId: string;
  index: number;
  accuracy: number;
  luts: number;
  throughputFps: number;
  candidate: Record<string, unknown>;
}

export interface SearchSummary {
  experimentId: string;
  status: SearchState['status'];
  best: BestCandidate | null;
  proposed: number;
  /** Proposals the hardware model rejected before any training. */
  pruned: number;
  trained: number;
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
  const points: ParetoPoint[] = state.candidates.filter(isFeasibleTrained).map((c) => ({
    candidateId: c.candidateId, accuracy: accuracyOf(c) ?? 0, luts: c.hardware?.luts ?? 0, throughputFps: c.hardware?.throughputFps ?? 0,
  }));
  const folded = (best?.hardware as Record<string, unknown> | undefined)?.foldedCandidate;
  return {
    experimentId: state.experimentId,
    status: state.status,
    best: best === undefined ? null : {
      candidateId: best.candidateId, index: best.index, accuracy: accuracyOf(best) ?? 0, luts: best.hardware?.luts ?? 0,
      throughputFps: best.hardware?.throughputFps ?? 0,
      candidate: typeof folded === 'object' && folded !== null ? { ...folded } : best.proposal.candidate,
    },
    ...countsOf(state),
    paretoFront: paretoFront(points),
    controller: config.controller.kind,
    ...(config.training.zeroCost === undefined ? {} : { zeroCost: config.training.zeroCost }),
    failure: state.failure ?? null,
  };
};
