// PromoteCandidate (multi-fidelity): a candidate ranked high enough in its closed rung goes on to the next one.
import { trainingKind } from '../../experiment/index.js';
import type { CommandOf, LoopContext } from './context.js';

export const promoteCandidate = async (ctx: LoopContext, command: CommandOf<'PromoteCandidate'>): Promise<void> => {
  const { candidate: c, fromRung, toRung, score, cutoff, rank, rungSize } = command.promotion;
  await ctx.append(
    ctx.idFor('CandidatePromoted', c.index, toRung),
    'CandidatePromoted',
    { experimentId: ctx.experimentId, candidateId: c.candidateId, fromRung, toRung, score, cutoff, rank, rungSize },
    ctx.idFor('CandidateTrained', trainingKind(false, fromRung), c.index),
  );
};
