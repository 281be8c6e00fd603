// Hot start (the HotNAS idea): the model zoo of earlier experiments becomes the initial population, each member
// re-scored under this experiment's budget (infeasible ones get the penalty, so they are rarely chosen as parents).
import type { EventStore } from '../store/index.js';
import type { SearchActionSpace } from './deps.js';
import type { ExperimentConfig } from './config.js';
import type { Member } from './controllers/evolution.js';
import type { HardwareEvaluator } from './ports.js';
import type { SearchState } from '../experiment/index.js';
import { readModelZoo } from './zoo.js';

export const zooMembers = async (
  store: EventStore,
  state: SearchState,
  config: ExperimentConfig,
  space: SearchActionSpace,
  hardware: HardwareEvaluator,
): Promise<Member[]> => {
  if (config.controller.kind !== 'hotstart' || state.started === undefined) return [];
  const zoo = await readModelZoo(store, {
    beforePosition: state.started.position,
    excludeExperiment: state.experimentId,
    ...(config.controller.fromExperiments === undefined ? {} : { experiments: config.controller.fromExperiments }),
  });
  const members: Member[] = [];
  for (const entry of zoo) {
    if (members.length >= config.controller.seeds) break;
    const actions = space.encode(entry.candidate);
    let feasible = false;
    try {
      feasible = hardware.evaluate(space.decode(actions), { autoFold: space.autoFold }).feasible;
    } catch {
      feasible = false;
    }
    members.push({ candidateId: entry.candidateId, actions, reward: feasible ? entry.accuracy : -config.penalty.base });
  }
  // The population is a FIFO: put the best last so it lives longest.
  return members.reverse();
};
