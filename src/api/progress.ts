// The progress snapshot that the experimentProgress subscription sends after each event, and the experiment as
// its own stream says. Its counts and best candidate come from src/experiment's fold and views, as the search's
// own summary does, so a client never sees a different best design from the one the search reports.
import {
  bestAccuracyOf,
  bestOf,
  countsOf,
  evolveInPlace,
  initialState,
  type SearchState,
} from '../experiment/index.js';
import type { RecordedEvent } from '../store/index.js';

export type ExperimentStatusName = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface ProgressSnapshot {
  experimentId: string;
  status: ExperimentStatusName;
  proposed: number;
  pruned: number;
  trained: number;
  /** Candidates whose training has started but not finished. */
  training: number;
  bestCandidateId: string | null;
  bestAccuracy: number | null;
  lastReward: number | null;
  policyStep: number | null;
  /** Position of the last folded event, as a cursor string. */
  cursor: string;
  eventType: string;
  /** The worker the event names (a dispatched training's start, epoch or result); null for the loop's own events. */
  workerId: string | null;
  recordedAt: string;
}

/** A follower's fold: the experiment state (its own, folded in place) and what the last event said. */
export interface ProgressFold {
  model: SearchState;
  lastReward: number | null;
  last: RecordedEvent | undefined;
}

export const initialProgress = (experimentId: string): ProgressFold => ({
  model: initialState(experimentId),
  lastReward: null,
  last: undefined,
});

/** Folds one event into the follower's own fold and returns it. */
export const evolveProgress = (fold: ProgressFold, event: RecordedEvent): ProgressFold => {
  evolveInPlace(fold.model, event);
  fold.last = event;
  if (event.type === 'RewardAssigned') {
    const reward = (event.data as { reward?: unknown }).reward;
    fold.lastReward = typeof reward === 'number' ? reward : null;
  }
  return fold;
};

const STATUS: Record<SearchState['status'], ExperimentStatusName> = {
  new: 'RUNNING',
  running: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

/** The snapshot a client sees after the fold's last event. */
export const progressOf = (fold: ProgressFold): ProgressSnapshot => {
  const { model, last } = fold;
  const counts = countsOf(model);
  const best = bestOf(model);
  const workerId = (last?.data as { workerId?: unknown } | undefined)?.workerId;
  return {
    experimentId: model.experimentId,
    status: STATUS[model.status],
    proposed: counts.proposed,
    pruned: counts.pruned,
    trained: counts.trained,
    training: counts.training,
    bestCandidateId: best?.candidateId ?? null,
    bestAccuracy: bestAccuracyOf(model),
    lastReward: fold.lastReward,
    policyStep: model.policySteps === 0 ? null : model.policySteps - 1,
    cursor: last === undefined ? '0' : String(last.position),
    eventType: last?.type ?? '',
    workerId: typeof workerId === 'string' ? workerId : null,
    recordedAt: last?.metadata.recordedAt ?? '',
  };
};
