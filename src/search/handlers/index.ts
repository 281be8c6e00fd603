// The loop's decision handlers: one file per command kind, so a new decision is one new file and one line below.
// `createExecutor` maps each command to its handler; the map's type makes a missing kind a compile error.
import type { SearchCommand } from '../decide.js';
import type { createTrainings } from '../trainings.js';
import { assignReward } from './assignReward.js';
import { closeRung } from './closeRung.js';
import { completeExperiment } from './completeExperiment.js';
import type { CommandOf, LoopContext } from './context.js';
import { evaluateHardware } from './evaluateHardware.js';
import { promoteCandidate } from './promoteCandidate.js';
import { proposeCandidate } from './proposeCandidate.js';
import { updatePolicy } from './updatePolicy.js';

export type { Append, LoopContext } from './context.js';

type Handlers = { [K in SearchCommand['type']]: (command: CommandOf<K>) => Promise<void> };

/**
 * Runs one command. `onPolicyStep` hears the step the controller stands at after an UpdatePolicy, so the loop
 * knows when it must restore a checkpoint instead.
 */
export const createExecutor = (
  ctx: LoopContext,
  trainings: ReturnType<typeof createTrainings>,
  onPolicyStep: (step: number) => void,
): ((command: SearchCommand) => Promise<void>) => {
  const handlers: Handlers = {
    ProposeCandidate: (c) => proposeCandidate(ctx, c),
    EvaluateHardware: (c) => evaluateHardware(ctx, c),
    TrainCandidate: (c) => trainings.train(c.candidate, c.final, c.rung),
    RequestTraining: (c) => trainings.request(c.candidate, c.final, c.rung),
    AwaitTraining: (c) => trainings.awaitOldest(c.job),
    PromoteCandidate: (c) => promoteCandidate(ctx, c),
    CloseRung: (c) => closeRung(ctx, c),
    AssignReward: (c) => assignReward(ctx, c),
    UpdatePolicy: async (c) => onPolicyStep(await updatePolicy(ctx, c)),
    CompleteExperiment: (c) => completeExperiment(ctx, c),
    Stop: async () => {},
  };
  return (command) => (handlers[command.type] as (c: SearchCommand) => Promise<void>)(command);
};
