// The search loop's state, folded from the experiment stream alone: initialState() and evolve(state, event).
// Nothing the loop decides comes from memory that is not in this state.
import { asExperimentEvent, type EventData } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';

/** One multi-fidelity rung (1 and up) of a candidate: started, epochs logged, and its result. */
export interface RungRecord {
  started: boolean;
  epochsDone: number;
  trained?: EventData<'CandidateTrained'>;
}

export interface CandidateRecord {
  index: number;
  candidateId: string;
  proposal: EventData<'CandidateProposed'>;
  float: boolean;
  autoFold: boolean;
  hardware?: EventData<'HardwareEvaluated'>;
  trainingStarted: boolean;
  epochsDone: number;
  trained?: EventData<'CandidateTrained'>;
  reward?: number;
  finalStarted: boolean;
  finalEpochsDone: number;
  finalTrained?: EventData<'CandidateTrained'>;
  /** Highest rung it was promoted to (0: never promoted). */
  promotedTo: number;
  /** Its trainings at rungs 1 and up, by rung. */
  rungs: Map<number, RungRecord>;
  /** Training kinds (see trainingKind) handed to the workers with TrainingRequested. */
  requested: Set<string>;
}

/** A training handed to the workers whose CandidateTrained is not in the log yet. */
export interface OutstandingJob {
  jobId: string;
  candidateId: string;
  index: number;
  kind: string;
  final: boolean;
  rung?: number;
  /** Revision of its TrainingRequested: the loop folds results in this order. */
  revision: number;
}

export type SearchStatus = 'new' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface SearchState {
  experimentId: string;
  /** Revision of the last event folded; -1 when the stream is empty. */
  revision: number;
  status: SearchStatus;
  started?: { config: Record<string, unknown>; seed: number; name: string; recordedAt: string; position: number };
  candidates: CandidateRecord[];
  /** Number of PolicyUpdated events, and the latest one's checkpoint. */
  policySteps: number;
  checkpoint?: unknown;
  /** Position of the experiment rng after the last proposal. */
  rngPosition: number;
  /** Ids of every event folded, so a writer never appends one twice. */
  ids: Set<string>;
  cancelReason?: string;
  /** Rungs whose RungClosed is in the log. */
  closedRungs: Set<number>;
  /** The error of ExperimentFailed, so a summary can say why. */
  failure?: { code: string; message: string };
  /** Requested trainings without a result yet, oldest first (dispatch 'workers'). */
  outstanding: OutstandingJob[];
}

export const initialState = (experimentId: string): SearchState => ({
  experimentId, revision: -1, status: 'new', candidates: [], policySteps: 0, rngPosition: 0, ids: new Set(), closedRungs: new Set(), outstanding: [],
});

/** The id part naming a training run: 'final', 'proxy' (rung 0 or none) or `rung<r>`; event and job ids derive from it. */
export const trainingKind = (final: boolean, rung?: number): string => (final ? 'final' : rung === undefined || rung === 0 ? 'proxy' : `rung${rung}`);

const flag = (data: object, key: string): boolean => (data as Record<string, unknown>)[key] === true;

/** Folds one recorded event into the state (mutates and returns it: the state is private to one loop). */
export const evolve = (state: SearchState, recorded: RecordedEvent): SearchState => {
  state.revision = Math.max(state.revision, recorded.revision);
  state.ids.add(recorded.id);
  const event = asExperimentEvent(recorded);
  if (event === undefined) return state;
  const byId = (candidateId: string): CandidateRecord | undefined => state.candidates.find((c) => c.candidateId === candidateId);
  switch (event.type) {
    case 'ExperimentStarted':
      state.status = 'running';
      state.started = { config: event.data.config, seed: event.data.seed, name: event.data.name, recordedAt: recorded.metadata.recordedAt, position: recorded.position };
      return state;
    case 'CandidateProposed': {
      const d = event.data;
      const after = (d as Record<string, unknown>).rngPositionAfter;
      state.candidates.push({
        index: d.index, candidateId: d.candidateId, proposal: d, float: flag(d, 'float'), autoFold: flag(d, 'autoFold'),
        trainingStarted: false, epochsDone: 0, finalStarted: false, finalEpochsDone: 0, promotedTo: 0, rungs: new Map(), requested: new Set(),
      });
      state.rngPosition = typeof after === 'number' ? after : d.rng.position;
      return state;
    }
    case 'HardwareEvaluated': { const c = byId(event.data.candidateId); if (c) c.hardware = event.data; return state; }
    case 'TrainingRequested': {
      const c = byId(event.data.candidateId);
      if (c === undefined || c.requested.has(event.data.kind)) return state;
      c.requested.add(event.data.kind);
      state.outstanding.push({ jobId: event.data.jobId, candidateId: c.candidateId, index: c.index, kind: event.data.kind,
        final: event.data.final === true, ...(event.data.rung === undefined ? {} : { rung: event.data.rung }), revision: recorded.revision });
      return state;
    }
    case 'TrainingStarted': {
      const c = byId(event.data.candidateId);
      const rung = event.data.rung;
      if (c && rung !== undefined) rungOf(c, rung).started = true;
      else if (c) { if (flag(event.data, 'final')) c.finalStarted = true; else c.trainingStarted = true; }
      return state;
    }
    case 'EpochCompleted': {
      const c = byId(event.data.candidateId);
      const rung = event.data.rung;
      if (c && rung !== undefined) rungOf(c, rung).epochsDone = event.data.epoch;
      else if (c) { if (flag(event.data, 'final')) c.finalEpochsDone = event.data.epoch; else c.epochsDone = event.data.epoch; }
      return state;
    }
    case 'CandidateTrained': {
      const c = byId(event.data.candidateId);
      const rung = event.data.rung;
      const jobId = event.data.jobId;
      if (jobId !== undefined) state.outstanding = state.outstanding.filter((j) => j.jobId !== jobId);
      if (c && rung !== undefined) rungOf(c, rung).trained = event.data;
      else if (c) { if (flag(event.data, 'final')) c.finalTrained = event.data; else c.trained = event.data; }
      return state;
    }
    case 'CandidatePromoted': { const c = byId(event.data.candidateId); if (c) c.promotedTo = Math.max(c.promotedTo, event.data.toRung); return state; }
    case 'RungClosed': state.closedRungs.add(event.data.rung); return state;
    case 'RewardAssigned': { const c = byId(event.data.candidateId); if (c) c.reward = event.data.reward; return state; }
    case 'PolicyUpdated':
      state.policySteps = Math.max(state.policySteps, event.data.step + 1);
      state.checkpoint = event.data.checkpoint;
      return state;
    case 'ExperimentCompleted': state.status = 'completed'; return state;
    case 'ExperimentFailed': state.status = 'failed'; state.failure = { code: event.data.error.code, message: event.data.error.message }; return state;
    case 'ExperimentCancelled': state.status = 'cancelled'; state.cancelReason = event.data.reason; return state;
    case 'ExperimentResumed': return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

const rungOf = (c: CandidateRecord, rung: number): RungRecord => {
  let r = c.rungs.get(rung);
  if (r === undefined) { r = { started: false, epochsDone: 0 }; c.rungs.set(rung, r); }
  return r;
};

/** Validation accuracy of a candidate at a rung (0: the proxy), when it finished that rung. */
export const scoreAt = (c: CandidateRecord, rung: number): number | undefined => (rung === 0 ? c.trained?.accuracy : c.rungs.get(rung)?.trained?.accuracy);

/** The highest rung a candidate finished (0 for the proxy), or -1 when it was never trained. */
export const topRungOf = (c: CandidateRecord): number => {
  let top = c.trained === undefined ? -1 : 0;
  for (const [rung, r] of c.rungs) if (r.trained !== undefined && rung > top) top = rung;
  return top;
};

/** Candidates that count as trained by the search (the quantized proxy training, not the float phase). */
export const isFeasibleTrained = (c: CandidateRecord): boolean => !c.float && c.hardware?.feasible === true && c.trained !== undefined;

/** Best validation accuracy of a candidate: the final training's when there was one, else its highest rung's. */
export const accuracyOf = (c: CandidateRecord): number | undefined => c.finalTrained?.accuracy ?? scoreAt(c, Math.max(topRungOf(c), 0));

/** Counts for summaries and ExperimentCompleted. */
export const countsOf = (state: SearchState): { proposed: number; pruned: number; trained: number } => ({
  proposed: state.candidates.length,
  pruned: state.candidates.filter((c) => !c.float && c.hardware !== undefined && !c.hardware.feasible).length,
  trained: state.candidates.filter((c) => c.trained !== undefined).length,
});

/** The best feasible trained candidate, or undefined. Ties go to the earlier candidate. */
export const bestOf = (state: SearchState): CandidateRecord | undefined => {
  let best: CandidateRecord | undefined;
  for (const c of state.candidates) {
    if (!isFeasibleTrained(c)) continue;
    if (best === undefined || (accuracyOf(c) ?? 0) > (accuracyOf(best) ?? 0)) best = c;
  }
  return best;
};
