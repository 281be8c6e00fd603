// AssignReward: the controller's reward for a trained candidate (or for an infeasible one, from its hardware).
import { rewardOf } from '../decide.js';
import type { CommandOf, LoopContext } from './context.js';

export const assignReward = async (ctx: LoopContext, command: CommandOf<'AssignReward'>): Promise<void> => {
  const c = command.candidate;
  const { reward, reason } = rewardOf(c, ctx.config);
  const cause =
    c.trained !== undefined ? ctx.idFor('CandidateTrained', 'proxy', c.index) : ctx.idFor('HardwareEvaluated', c.index);
  await ctx.append(
    ctx.idFor('RewardAssigned', c.index),
    'RewardAssigned',
    { experimentId: ctx.experimentId, candidateId: c.candidateId, reward, reason },
    cause,
  );
};
