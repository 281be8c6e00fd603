// Random search: every candidate drawn uniformly from the action space. Stateless apart from the experiment rng.
import type { SearchActionSpace } from '../deps.js';
import {
  movingAverage,
  sampleUniform,
  type ChildResult,
  type Controller,
  type LearnResult,
  type ProposeContext,
  type Proposal,
} from './controller.js';

export const createRandomController = (space: SearchActionSpace): Controller => {
  let baseline: number | undefined;
  return {
    kind: 'random',
    propose: async (context: ProposeContext): Promise<Proposal> => sampleUniform(space, context.rng),
    learn: async (results: readonly ChildResult[]): Promise<LearnResult> => {
      baseline = movingAverage(
        baseline,
        results.map((r) => r.reward),
        0.9,
      );
      return { baseline, checkpoint: { baseline } };
    },
    restore: async (checkpoint: unknown): Promise<void> => {
      const b = (checkpoint as { baseline?: unknown } | undefined)?.baseline;
      baseline = typeof b === 'number' ? b : undefined;
    },
    dispose: () => undefined,
  };
};
