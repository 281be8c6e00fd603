// CloseRung (multi-fidelity): a rung is full; its cut-off, and who was promoted and who was cut, are logged.
import type { CommandOf, LoopContext } from './context.js';

export const closeRung = async (ctx: LoopContext, command: CommandOf<'CloseRung'>): Promise<void> => {
  const { rung, cutoff, promoted, cut } = command.closing;
  await ctx.append(
    ctx.idFor('RungClosed', rung),
    'RungClosed',
    { experimentId: ctx.experimentId, rung, cutoff, promoted, cut },
    ctx.lastEventId(),
  );
};
