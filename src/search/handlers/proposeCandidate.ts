// ProposeCandidate: the controller proposes the next design from the experiment rng at the logged position.
import { createRng, type Candidate } from '../deps.js';
import type { CommandOf, LoopContext } from './context.js';

export const proposeCandidate = async (ctx: LoopContext, command: CommandOf<'ProposeCandidate'>): Promise<void> => {
  const { experimentId, controller, state } = ctx;
  const rng = createRng({ seed: ctx.seed, position: state.rngPosition });
  const before = rng.state();
  const proposal = await controller.propose({ index: command.index, rng });
  const candidate: Candidate = proposal.candidate ?? ctx.space.decode(proposal.actions);
  const causation = command.index === 0 ? ctx.idFor('ExperimentStarted') : ctx.lastEventId();
  await ctx.append(
    ctx.idFor('CandidateProposed', command.index),
    'CandidateProposed',
    {
      experimentId,
      candidateId: ctx.idFor('candidate', command.index),
      index: command.index,
      candidate: { ...candidate },
      actions: proposal.actions,
      logProbs: proposal.logProbs,
      rng: { ...before },
      rngPositionAfter: rng.state().position,
      controller: controller.kind,
      ...(proposal.float === true ? { float: true } : {}),
      ...(proposal.autoFold === true ? { autoFold: true } : {}),
      ...(proposal.note === undefined ? {} : { note: proposal.note }),
    },
    causation,
  );
};
