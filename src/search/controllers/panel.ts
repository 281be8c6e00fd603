// The panel controller of fidelity studies: proposes a fixed list of designs in order, learns nothing. Its only
// state is the proposal index (which the loop already knows), so a restarted run proposes the same next design.
import type { Candidate, SearchActionSpace } from '../deps.js';
import {
  movingAverage,
  type ChildResult,
  type Controller,
  type LearnResult,
  type ProposeContext,
  type Proposal,
} from './controller.js';

/** One design of the panel: its name (recorded in CandidateProposed.note) and the design itself. */
export interface NamedDesign {
  name: string;
  candidate: Candidate;
}

/**
 * Proposes `designs[index]` exactly as given (not re-decoded, so designs outside the space keep their shape), with
 * the space's nearest action vector and log-probs 0 (the choice is not random). Throws past the end of the panel;
 * the decider stops before that (stopReason: `panel of N designs done`).
 */
export const createPanelController = (space: SearchActionSpace, designs: readonly NamedDesign[]): Controller => {
  let baseline: number | undefined;
  return {
    kind: 'panel',
    async propose(context: ProposeContext): Promise<Proposal> {
      const design = designs[context.index];
      if (design === undefined)
        throw new Error(
          `expected at most ${designs.length} proposals from a panel of ${designs.length} designs, but was asked for #${context.index}`,
        );
      const actions = space.encode(design.candidate);
      return {
        actions,
        logProbs: actions.map(() => 0),
        candidate: design.candidate,
        note: `panel design ${design.name}`,
      };
    },
    async learn(results: readonly ChildResult[]): Promise<LearnResult> {
      baseline = movingAverage(
        baseline,
        results.map((r) => r.reward),
        0.9,
      );
      return { baseline, checkpoint: { baseline } };
    },
    async restore(checkpoint: unknown): Promise<void> {
      const b = (checkpoint as { baseline?: unknown } | undefined)?.baseline;
      baseline = typeof b === 'number' ? b : undefined;
    },
    dispose: () => undefined,
  };
};
