// The joint RL controller of QNAS/FNAS: the LSTM policy samples architecture, bits and folding together;
// REINFORCE with a moving-average baseline learns from each episode. PolicyUpdated carries the full checkpoint.
import type { SearchActionSpace } from '../deps.js';
import { createPolicy, type PolicyCheckpoint } from './policy.js';
import {
  type ChildResult,
  type Controller,
  type LearnResult,
  type ProposeContext,
  type Proposal,
} from './controller.js';

/** Options of the RL controller (from the experiment config). */
export interface RlControllerOptions {
  hiddenSize: number;
  embeddingSize: number;
  learningRate: number;
  /** Moving-average decay of the baseline. @default 0.9 */
  baselineDecay: number;
  /** Seed of the weight initialization (derived from the experiment seed). */
  seed: number;
  /** Only these dims are searched; the rest keep `fixedActions` (the separate baseline's float phase). */
  searchedDims?: readonly boolean[];
  fixedActions?: readonly number[];
  /** Recorded as CandidateProposed.controller. @default 'rl' */
  kind?: string;
}

export interface RlCheckpoint {
  baseline: number | null;
  policy: PolicyCheckpoint;
}

export const createRlController = (space: SearchActionSpace, options: RlControllerOptions): Controller => {
  const policy = createPolicy(space.dims, options);
  let baseline: number | undefined;
  const masked = (actions: readonly number[]): number[] =>
    actions.map((a, i) =>
      options.searchedDims === undefined || options.searchedDims[i] === true ? a : (options.fixedActions?.[i] ?? 0),
    );
  return {
    kind: options.kind ?? 'rl',
    async propose(context: ProposeContext): Promise<Proposal> {
      const { actions, logProbs } = await policy.sample(context.rng);
      return { actions: masked(actions), logProbs };
    },
    async learn(results: readonly ChildResult[]): Promise<LearnResult> {
      const rewards = results.map((r) => r.reward);
      // The first episode has no history: its own mean is the baseline, so the first update is centred.
      const b = baseline ?? rewards.reduce((a, r) => a + r, 0) / Math.max(rewards.length, 1);
      const batch = results.map((r) => {
        const used = space
          .usedDims(r.actions)
          .map((u, i) => u && (options.searchedDims === undefined || options.searchedDims[i] === true));
        return { actions: r.actions, used, advantage: r.reward - b };
      });
      const loss = await policy.update(batch);
      let next = b;
      for (const r of rewards) next = options.baselineDecay * next + (1 - options.baselineDecay) * r;
      baseline = next;
      const checkpoint: RlCheckpoint = { baseline, policy: policy.checkpoint() };
      return { baseline, loss, checkpoint };
    },
    async restore(checkpoint: unknown): Promise<void> {
      const c = checkpoint as RlCheckpoint | undefined;
      if (c?.policy === undefined) return;
      baseline = c.baseline ?? undefined;
      policy.restore(c.policy);
    },
    dispose: () => policy.dispose(),
  };
};
