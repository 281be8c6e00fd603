// Folds an experiment stream into the progress snapshot that the experimentProgress subscription sends after
// each event. Pure: the subscription replays the stream through it, so a resumed client sees the same numbers.
import type { RecordedEvent } from '../store/eventStore.js';

export type ExperimentStatusName = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface ProgressState {
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

export const initialProgress = (experimentId: string): ProgressState => ({
  experimentId,
  status: 'RUNNING',
  proposed: 0,
  pruned: 0,
  trained: 0,
  training: 0,
  bestCandidateId: null,
  bestAccuracy: null,
  lastReward: null,
  policyStep: null,
  cursor: '0',
  eventType: '',
  workerId: null,
  recordedAt: '',
});

const field = (data: unknown, name: string): unknown =>
  typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
const num = (data: unknown, name: string): number | null => {
  const value = field(data, name);
  return typeof value === 'number' ? value : null;
};
const str = (data: unknown, name: string): string | null => {
  const value = field(data, name);
  return typeof value === 'string' ? value : null;
};

export const evolveProgress = (state: ProgressState, event: RecordedEvent): ProgressState => {
  const { data } = event;
  const next = { ...state, cursor: String(event.position), eventType: event.type, workerId: str(data, 'workerId'), recordedAt: event.metadata.recordedAt };
  switch (event.type) {
    case 'ExperimentStarted':
      return { ...next, status: 'RUNNING' };
    case 'CandidateProposed':
      return { ...next, proposed: state.proposed + 1 };
    case 'HardwareEvaluated':
      return field(data, 'feasible') === false ? { ...next, pruned: state.pruned + 1 } : next;
    case 'TrainingStarted':
      return { ...next, training: state.training + 1 };
    case 'CandidateTrained': {
      // A zero-cost score (`zeroCost` set) is not an accuracy.
      const accuracy = str(data, 'zeroCost') !== null ? null : num(data, 'accuracy');
      const better = accuracy !== null && (state.bestAccuracy === null || accuracy > state.bestAccuracy);
      return {
        ...next,
        // A multi-fidelity rung re-trains a candidate already counted at its proxy run.
        trained: state.trained + (num(data, 'rung') === null ? 1 : 0),
        training: Math.max(0, state.training - 1),
        ...(better ? { bestAccuracy: accuracy, bestCandidateId: str(data, 'candidateId') } : {}),
      };
    }
    case 'RewardAssigned':
      return { ...next, lastReward: num(data, 'reward') };
    case 'PolicyUpdated':
      return { ...next, policyStep: num(data, 'step') };
    case 'ExperimentCompleted':
      return { ...next, status: 'COMPLETED', bestCandidateId: str(data, 'bestCandidateId') ?? state.bestCandidateId };
    case 'ExperimentFailed':
      return { ...next, status: 'FAILED' };
    case 'ExperimentCancelled':
      return { ...next, status: 'CANCELLED' };
    default:
      // Events added to the catalog later still move the cursor; they just change no counter.
      return next;
  }
};

export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['ExperimentCompleted', 'ExperimentFailed', 'ExperimentCancelled']);
