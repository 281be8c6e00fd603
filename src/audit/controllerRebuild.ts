// Controller state during replay, rebuilt with the search module's own fold (initialState/evolve), the same code
// the loop uses after a restart: policy steps, latest checkpoint (policy parameters), rng position.
import { evolveInPlace, initialState } from '../experiment/index.js';
import type { RecordedEvent } from '../store/index.js';
import type { ControllerRebuild } from './replay.js';

export interface ControllerSummary {
  kind: string | null;
  status: string;
  /** Number of PolicyUpdated events folded. */
  policySteps: number;
  /** Position of the experiment's generator after the last proposal: where the next proposal would draw from. */
  rngPosition: number;
  /** Index the next proposal would get. */
  nextCandidateIndex: number;
  /** The latest PolicyUpdated checkpoint; restoring it restores the controller. */
  checkpoint: unknown;
}

/** A ControllerRebuild backed by src/search's state fold. */
export const searchControllerRebuild = (experimentId: string): ControllerRebuild => {
  const state = initialState(experimentId);
  return {
    apply: (event: RecordedEvent) => {
      evolveInPlace(state, event);
    },
    summary: (): ControllerSummary => {
      return {
        kind: state.started?.config.controller.kind ?? null,
        status: state.status,
        policySteps: state.policySteps,
        rngPosition: state.rngPosition,
        nextCandidateIndex: state.candidates.length,
        checkpoint: state.checkpoint ?? null,
      };
    },
  };
};
