// UpdatePolicy: the controller learns from one episode of children and the new checkpoint is logged.
import type { ChildResult } from '../controllers/controller.js';
import { rewardOf } from '../decide.js';
import { learningAccuracy } from '../promotion.js';
import type { CommandOf, LoopContext } from './context.js';

/** Returns the policy step the controller now stands at. */
export const updatePolicy = async (ctx: LoopContext, command: CommandOf<'UpdatePolicy'>): Promise<number> => {
  const { config, controller } = ctx;
  // Multi-fidelity: each child teaches the controller its best fidelity so far, on the proxy's scale.
  const learned = command.children.map((c) => {
    if (config.multiFidelity === undefined) return { reward: c.reward ?? 0, rung: 0, accuracy: c.trained?.accuracy };
    const { accuracy, rung } = learningAccuracy(ctx.state, c);
    return { reward: rung === 0 ? (c.reward ?? 0) : rewardOf(c, config, accuracy).reward, rung, accuracy };
  });
  const results: ChildResult[] = command.children.map((c, i) => ({
    candidateId: c.candidateId,
    index: c.index,
    actions: c.proposal.actions,
    reward: learned[i]?.reward ?? 0,
    feasible: c.hardware?.feasible === true,
    float: c.float,
    ...(learned[i]?.accuracy === undefined ? {} : { accuracy: learned[i]?.accuracy }),
  }));
  const update = await controller.learn(results, command.step);
  const last = command.children[command.children.length - 1];
  const rewards =
    config.multiFidelity === undefined
      ? {}
      : {
          rewards: results.map((r, i) => ({
            candidateId: r.candidateId,
            reward: r.reward,
            rung: learned[i]?.rung ?? 0,
          })),
        };
  await ctx.append(
    ctx.idFor('PolicyUpdated', command.step),
    'PolicyUpdated',
    {
      experimentId: ctx.experimentId,
      step: command.step,
      baseline: update.baseline,
      ...(update.loss === undefined ? {} : { loss: update.loss }),
      checkpoint: update.checkpoint,
      controller: controller.kind,
      ...rewards,
    },
    last === undefined ? undefined : ctx.idFor('RewardAssigned', last.index),
  );
  return command.step + 1;
};
