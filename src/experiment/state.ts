// The experiment stream's one fold: initialState() and evolve(state, event), and nothing else folds this stream.
// The search loop decides from this state; the API's progress, the read models, replay, audit and the CLI summary
// read their counts, best candidate and Pareto front from it through views.ts. Nothing the loop decides comes from
// memory that is not in this state.
//
// `evolve` is pure: it returns a new state and leaves its input as it was, copying only what the event changes.
// A reader that owns its state (the loop, a replay of 100k events) folds with `evolveInPlace`, the same code path
// writing into the state it is given, so the two cannot drift.
import { asExperimentEvent, type EventData, type ExperimentConfig, type ExperimentEvent } from '../events/index.js';
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
  /** Global position of its CandidateProposed. */
  proposedAt: number;
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
  /** Its trainings at rungs 1 and up, by rung (read-only: the fold replaces it). */
  rungs: ReadonlyMap<number, RungRecord>;
  /** Training kinds (see trainingKind) handed to the workers with TrainingRequested. */
  requested: ReadonlySet<string>;
  /** Its training was running when the experiment failed (cleared if a resumed run finishes it). */
  failed: boolean;
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

/** How many candidates are in each class; `tallyBits` below says which classes one candidate is in. */
export interface ExperimentCounts {
  /** Every proposal, float ones included. */
  proposed: number;
  /** Float proposals (the separate baseline's stage 1): trained, never a feasible result. */
  float: number;
  /** Quantized proposals the hardware model rejected before any training. */
  pruned: number;
  /** Proposals whose first (proxy) training or zero-cost scoring finished, float ones included. */
  trained: number;
  /** Candidates whose final training finished. */
  final: number;
  /** Candidates with a training running now (started, no result yet, the experiment not failed). */
  training: number;
  /** Candidates whose training was running when the experiment failed. */
  failed: number;
}

export interface SearchState {
  experimentId: string;
  /** Revision of the last event folded; -1 when the stream is empty. */
  revision: number;
  /** Global position of the last event folded; -1 when none. */
  position: number;
  status: SearchStatus;
  started?: { config: ExperimentConfig; seed: number; name: string; recordedAt: string; position: number };
  /** By proposal index. */
  candidates: CandidateRecord[];
  /** Index in `candidates` of each candidate id. */
  indexOf: Map<string, number>;
  /** Kept by the fold from each candidate's tally, so no reader recounts the stream. */
  counts: ExperimentCounts;
  /** Id of the best feasible trained candidate (views.ts's `ranksAbove`), kept by the fold. */
  bestId?: string;
  /** Number of PolicyUpdated events, and the latest one's checkpoint. */
  policySteps: number;
  checkpoint?: unknown;
  /** Position of the experiment rng after the last proposal. */
  rngPosition: number;
  cancelReason?: string;
  /** ExperimentCompleted's reason. */
  completedReason?: string;
  /** Rungs whose RungClosed is in the log. */
  closedRungs: Set<number>;
  /** The error of ExperimentFailed, so a summary can say why. */
  failure?: { code: string; message: string };
  /** Requested trainings without a result yet, oldest first (dispatch 'workers'). */
  outstanding: OutstandingJob[];
}

const noCounts = (): ExperimentCounts => ({
  proposed: 0,
  float: 0,
  pruned: 0,
  trained: 0,
  final: 0,
  training: 0,
  failed: 0,
});

export const initialState = (experimentId: string): SearchState => ({
  experimentId,
  revision: -1,
  position: -1,
  status: 'new',
  candidates: [],
  indexOf: new Map(),
  counts: noCounts(),
  policySteps: 0,
  rngPosition: 0,
  closedRungs: new Set(),
  outstanding: [],
});

/** The id part naming a training run: 'final', 'proxy' (rung 0 or none) or `rung<r>`; event and job ids derive from it. */
export const trainingKind = (final: boolean, rung?: number): string =>
  final ? 'final' : rung === undefined || rung === 0 ? 'proxy' : `rung${rung}`;

/** Folds one recorded event into a new state; `state` is left as it was. */
export const evolve = (state: SearchState, recorded: RecordedEvent): SearchState => fold(state, recorded, false);

/** Folds one recorded event into `state` itself and returns it: for a reader that owns its state. */
export const evolveInPlace = (state: SearchState, recorded: RecordedEvent): SearchState => fold(state, recorded, true);

/** Folds a whole stream into a fresh state (in place: the state is this call's own). */
export const foldStream = (experimentId: string, events: Iterable<RecordedEvent>): SearchState => {
  const state = initialState(experimentId);
  for (const e of events) evolveInPlace(state, e);
  return state;
};

/** A copy of `old` that the fold may write, with its own collections (empty shared ones stay shared until written). */
const copyCandidate = (old: CandidateRecord): CandidateRecord => ({
  ...old,
  rungs: old.rungs.size === 0 ? NO_RUNGS : new Map([...old.rungs].map(([k, r]) => [k, { ...r }])),
  requested: old.requested.size === 0 ? NO_KINDS : new Set(old.requested),
});

/** The candidate at `at`, ready to change: copied (with its collections) first unless folding in place. */
const openCandidate = (
  state: SearchState,
  at: number,
  inPlace: boolean,
  input: SearchState,
): CandidateRecord | undefined => {
  const old = state.candidates[at];
  if (old === undefined || inPlace) return old;
  const c = copyCandidate(old);
  if (state.candidates === input.candidates) state.candidates = [...state.candidates]; // the first change of this event
  state.candidates[at] = c;
  return c;
};

/** After `c` changed: its tally moves the counts, and (`rescore`) its score or verdict may move the best. */
const settle = (state: SearchState, c: CandidateRecord, before: number, inPlace: boolean, rescore: boolean): void => {
  const after = tallyBits(c);
  if (after !== before) state.counts = addTally(state.counts, before, after, inPlace);
  if (rescore) rescoreBest(state, c);
};

// Most candidates never reach a rung nor go to a worker: they share these empty collections (never written; the
// fold gives a candidate its own on its first write), which saves two allocations per candidate of a 100k replay.
const NO_RUNGS: ReadonlyMap<number, RungRecord> = new Map();
const NO_KINDS: ReadonlySet<string> = new Set();

/** The writable record of `c`'s training at `rung` (`c` is the fold's writable copy). */
const rungOf = (c: CandidateRecord, rung: number): RungRecord => {
  const rungs = (c.rungs === NO_RUNGS ? new Map() : c.rungs) as Map<number, RungRecord>;
  c.rungs = rungs;
  let r = rungs.get(rung);
  if (r === undefined) {
    r = { started: false, epochsDone: 0 };
    rungs.set(rung, r);
  }
  return r;
};

/** The candidate an event names, when it is one of the events that change a candidate. */
const candidateIdOf = (event: ExperimentEvent): string | undefined => {
  switch (event.type) {
    case 'HardwareEvaluated':
    case 'TrainingRequested':
    case 'TrainingStarted':
    case 'EpochCompleted':
    case 'CandidateTrained':
    case 'CandidatePromoted':
    case 'RewardAssigned':
      return event.data.candidateId;
    default:
      return undefined;
  }
};

const fold = (input: SearchState, recorded: RecordedEvent, inPlace: boolean): SearchState => {
  const state = inPlace ? input : { ...input };
  state.revision = Math.max(state.revision, recorded.revision);
  state.position = Math.max(state.position, recorded.position);
  const event = asExperimentEvent(recorded);
  if (event === undefined) return state;
  const candidateId = candidateIdOf(event);
  if (candidateId !== undefined) {
    const at = state.indexOf.get(candidateId);
    const current = at === undefined ? undefined : state.candidates[at];
    if (at === undefined || current === undefined) return state;
    if (event.type === 'TrainingRequested' && current.requested.has(event.data.kind)) return state;
    const before = tallyBits(current);
    const c = openCandidate(state, at, inPlace, input);
    if (c === undefined) return state;
    trackOutstanding(state, c, event, recorded);
    settle(state, c, before, inPlace, applyCandidateEvent(c, event));
    return state;
  }
  switch (event.type) {
    case 'ExperimentStarted':
      state.status = 'running';
      state.started = {
        config: event.data.config,
        seed: event.data.seed,
        name: event.data.name,
        recordedAt: recorded.metadata.recordedAt,
        position: recorded.position,
      };
      return state;
    case 'CandidateProposed': {
      const d = event.data;
      if (state.indexOf.has(d.candidateId)) return state;
      const c = newCandidateRecord(d, recorded.position);
      state.candidates = inPlace ? state.candidates : [...state.candidates];
      state.indexOf = inPlace ? state.indexOf : new Map(state.indexOf);
      state.indexOf.set(c.candidateId, state.candidates.length);
      state.candidates.push(c);
      state.counts = addTally(state.counts, 0, tallyBits(c), inPlace);
      state.rngPosition = d.rngPositionAfter ?? d.rng.position;
      return state;
    }
    case 'RungClosed':
      state.closedRungs = inPlace ? state.closedRungs : new Set(state.closedRungs);
      state.closedRungs.add(event.data.rung);
      return state;
    case 'PolicyUpdated':
      state.policySteps = Math.max(state.policySteps, event.data.step + 1);
      state.checkpoint = event.data.checkpoint;
      return state;
    case 'ExperimentCompleted':
      state.status = 'completed';
      state.completedReason = event.data.reason;
      return state;
    case 'ExperimentFailed':
      state.status = 'failed';
      state.failure = { code: event.data.error.code, message: event.data.error.message };
      for (const [at, old] of input.candidates.entries()) {
        if (!isTraining(old)) continue;
        const before = tallyBits(old);
        const c = openCandidate(state, at, inPlace, input);
        if (c === undefined) continue;
        c.failed = true;
        settle(state, c, before, inPlace, false);
      }
      return state;
    case 'ExperimentCancelled':
      state.status = 'cancelled';
      state.cancelReason = event.data.reason;
      return state;
    case 'ExperimentResumed':
      return state;
    default:
      return state;
  }
};

/** The state-level part of a candidate event: the requested trainings not yet answered (dispatch 'workers'). */
const trackOutstanding = (
  state: SearchState,
  c: CandidateRecord,
  event: ExperimentEvent,
  recorded: RecordedEvent,
): void => {
  if (event.type === 'TrainingRequested') {
    const d = event.data;
    state.outstanding = [
      ...state.outstanding,
      {
        jobId: d.jobId,
        candidateId: c.candidateId,
        index: c.index,
        kind: d.kind,
        final: d.final === true,
        ...(d.rung === undefined ? {} : { rung: d.rung }),
        revision: recorded.revision,
      },
    ];
  } else if (event.type === 'CandidateTrained' && event.data.jobId !== undefined) {
    const { jobId } = event.data;
    state.outstanding = state.outstanding.filter((j) => j.jobId !== jobId);
  }
};

/** A new candidate's record, from its CandidateProposed at global position `position`. */
const newCandidateRecord = (d: EventData<'CandidateProposed'>, position: number): CandidateRecord => ({
  index: d.index,
  candidateId: d.candidateId,
  proposal: d,
  proposedAt: position,
  float: d.float === true,
  autoFold: d.autoFold === true,
  trainingStarted: false,
  epochsDone: 0,
  finalStarted: false,
  finalEpochsDone: 0,
  promotedTo: 0,
  rungs: NO_RUNGS,
  requested: NO_KINDS,
  failed: false,
});

/** Applies one of its own events to `c` (writable); true when its score or verdict may have changed. */
const applyCandidateEvent = (c: CandidateRecord, event: ExperimentEvent): boolean => {
  switch (event.type) {
    case 'HardwareEvaluated':
      c.hardware = event.data;
      return true;
    case 'TrainingRequested':
      c.requested = new Set([...c.requested, event.data.kind]);
      return false;
    case 'TrainingStarted': {
      const { rung, final } = event.data;
      if (rung !== undefined) rungOf(c, rung).started = true;
      else if (final === true) c.finalStarted = true;
      else c.trainingStarted = true;
      return false;
    }
    case 'EpochCompleted': {
      const { rung, final, epoch } = event.data;
      if (rung !== undefined) rungOf(c, rung).epochsDone = epoch;
      else if (final === true) c.finalEpochsDone = epoch;
      else c.epochsDone = epoch;
      return false;
    }
    case 'CandidateTrained': {
      const d = event.data;
      if (d.rung !== undefined) rungOf(c, d.rung).trained = d;
      else if (d.final === true) c.finalTrained = d;
      else c.trained = d;
      c.failed = false;
      return true;
    }
    case 'CandidatePromoted':
      c.promotedTo = Math.max(c.promotedTo, event.data.toRung);
      return false;
    case 'RewardAssigned':
      c.reward = event.data.reward;
      return false;
    default:
      return false;
  }
};

/**
 * One candidate's record after one more event (pure: `c` is left as it was): the per-candidate part of `evolve`,
 * for a read model that keeps one row per candidate rather than the whole state. CandidateProposed creates the
 * record, the candidate's own events change it, and ExperimentFailed marks it failed when a training of it was
 * running. Returns `c` itself when the event does not change it.
 */
export const evolveCandidateRecord = (
  c: CandidateRecord | undefined,
  recorded: RecordedEvent,
): CandidateRecord | undefined => {
  const event = asExperimentEvent(recorded);
  if (event === undefined) return c;
  if (event.type === 'CandidateProposed') return c ?? newCandidateRecord(event.data, recorded.position);
  if (c === undefined) return undefined;
  if (event.type === 'ExperimentFailed') return isTraining(c) && !c.failed ? { ...c, failed: true } : c;
  if (candidateIdOf(event) !== c.candidateId) return c;
  if (event.type === 'TrainingRequested' && c.requested.has(event.data.kind)) return c;
  const next = copyCandidate(c);
  applyCandidateEvent(next, event);
  return next;
};

/** A training of the candidate started and has no result yet. */
export const isTraining = (c: CandidateRecord): boolean => {
  if ((c.trainingStarted && c.trained === undefined) || (c.finalStarted && c.finalTrained === undefined)) return true;
  if (c.rungs.size > 0) for (const r of c.rungs.values()) if (r.started && r.trained === undefined) return true;
  return false;
};

/** The counted classes, one bit each in tallyBits. */
const TALLY_KEYS = [
  'proposed',
  'float',
  'pruned',
  'trained',
  'final',
  'training',
  'failed',
] as const satisfies ReadonlyArray<keyof ExperimentCounts>;

/** The classes one candidate is in, one bit each (TALLY_KEYS order); the state's counts are the sum over its candidates. */
const tallyBits = (c: CandidateRecord): number =>
  1 |
  (c.float ? 2 : 0) |
  (!c.float && c.hardware !== undefined && !c.hardware.feasible ? 4 : 0) |
  (c.trained === undefined ? 0 : 8) |
  (c.finalTrained === undefined ? 0 : 16) |
  (!c.failed && isTraining(c) ? 32 : 0) |
  (c.failed ? 64 : 0);

const addTally = (counts: ExperimentCounts, before: number, after: number, inPlace: boolean): ExperimentCounts => {
  const next = inPlace ? counts : { ...counts };
  for (let i = 0; i < TALLY_KEYS.length; i += 1) {
    const delta = ((after >> i) & 1) - ((before >> i) & 1);
    if (delta !== 0) next[TALLY_KEYS[i] as keyof ExperimentCounts] += delta;
  }
  return next;
};

/** Keeps `bestId` after `c`'s score or feasibility changed: a new leader takes over; a changed leader is re-found. */
const rescoreBest = (state: SearchState, c: CandidateRecord): void => {
  if (state.bestId === c.candidateId) {
    state.bestId = findBest(state.candidates)?.candidateId;
    return;
  }
  if (isFeasibleTrained(c) && ranksAbove(c, bestCandidateOf(state))) state.bestId = c.candidateId;
};

/** The best feasible trained candidate by a full scan (ranksAbove), or undefined. */
const findBest = (candidates: readonly CandidateRecord[]): CandidateRecord | undefined => {
  let best: CandidateRecord | undefined;
  for (const c of candidates) if (isFeasibleTrained(c) && ranksAbove(c, best)) best = c;
  return best;
};

/** The candidate `bestId` names, or undefined. */
export const bestCandidateOf = (state: SearchState): CandidateRecord | undefined => {
  const at = state.bestId === undefined ? undefined : state.indexOf.get(state.bestId);
  return at === undefined ? undefined : state.candidates[at];
};

/**
 * Sets the counts and the best from the candidates alone (a state built without the fold, such as one restored
 * from a snapshot); the fold keeps both up to date itself.
 */
export const recount = (state: SearchState): SearchState => {
  state.counts = noCounts();
  for (const c of state.candidates) state.counts = addTally(state.counts, 0, tallyBits(c), true);
  state.bestId = findBest(state.candidates)?.candidateId;
  return state;
};

/** Validation accuracy of a candidate at a rung (0: the proxy), when it finished that rung. */
export const scoreAt = (c: CandidateRecord, rung: number): number | undefined =>
  rung === 0 ? c.trained?.accuracy : c.rungs.get(rung)?.trained?.accuracy;

/** The highest rung a candidate finished (0 for the proxy), or -1 when it was never trained. */
export const topRungOf = (c: CandidateRecord): number => {
  let top = c.trained === undefined ? -1 : 0;
  if (c.rungs.size > 0) for (const [rung, r] of c.rungs) if (r.trained !== undefined && rung > top) top = rung;
  return top;
};

/** A result of the search: quantized, feasible on the device, and trained (a proxy run or a zero-cost score). */
export const isFeasibleTrained = (c: CandidateRecord): boolean =>
  !c.float && c.hardware?.feasible === true && c.trained !== undefined;

/** A candidate's score: its final training's accuracy when there was one, else its highest rung's (or zero-cost score). */
export const accuracyOf = (c: CandidateRecord): number | undefined =>
  c.finalTrained?.accuracy ?? scoreAt(c, Math.max(topRungOf(c), 0));

/** The one tie rule for "best": the higher score, and of equal scores the earlier proposal. */
export const ranksAbove = (a: CandidateRecord, b: CandidateRecord | undefined): boolean => {
  if (b === undefined) return true;
  const sa = accuracyOf(a) ?? -Infinity;
  const sb = accuracyOf(b) ?? -Infinity;
  return sa > sb || (sa === sb && a.index < b.index);
};
