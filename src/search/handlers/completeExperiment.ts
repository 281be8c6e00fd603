// CompleteExperiment: a stop rule holds; the summary (best feasible candidate, Pareto front, counts) is logged.
import { summarize } from '../summary.js';
import type { CommandOf, LoopContext } from './context.js';

export const completeExperiment = async (ctx: LoopContext, command: CommandOf<'CompleteExperiment'>): Promise<void> => {
  const summary = summarize(ctx.state, ctx.config);
  await ctx.append(
    ctx.idFor('ExperimentCompleted'),
    'ExperimentCompleted',
    {
      experimentId: ctx.experimentId,
      bestCandidateId: summary.best?.candidateId ?? null,
      reason: command.reason,
      proposed: summary.proposed,
      pruned: summary.pruned,
      trained: summary.trained,
      // A zero-cost experiment's best is the top score, not an accuracy: ExperimentCompleted carries no bestAccuracy.
      ...(summary.best === null || summary.zeroCost !== undefined ? {} : { bestAccuracy: summary.best.accuracy }),
      paretoFront: summary.paretoFront.map((p) => p.candidateId),
    },
    ctx.lastEventId(),
  );
};
