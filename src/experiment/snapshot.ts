// A compact, JSON-able form of the experiment state that keeps what the views need (each candidate's class,
// scores, hardware objectives and open trainings). A read model that cannot hold the whole stream in memory
// stores it beside its row, and folds the next events into the restored state with the same evolve.
import type { EventData } from '../events/index.js';
import { initialState, recount, type CandidateRecord, type RungRecord, type SearchState } from './state.js';

/** A training result as the views read it: its score, and the zero-cost score's name when it is one. */
type ResultSnapshot = [accuracy: number, zeroCost?: string];

export interface CandidateSnapshot {
  id: string;
  i: number;
  /** 1: a float design. */
  fl?: 1;
  /** Hardware verdict: [feasible (0/1), LUTs, img/s]. */
  h?: [number, number, number];
  /** The proxy run's result. */
  p?: ResultSnapshot;
  /** Results by rung. */
  r?: Record<string, ResultSnapshot>;
  /** The final training's result. */
  F?: ResultSnapshot;
  /** Open trainings: 'proxy', 'final' or the rung number. */
  o?: Array<'proxy' | 'final' | number>;
  /** 1: its training was running when the experiment failed. */
  x?: 1;
}

export interface StateSnapshot {
  status: SearchState['status'];
  candidates: CandidateSnapshot[];
}

const resultOf = (t: EventData<'CandidateTrained'> | undefined): ResultSnapshot | undefined =>
  t === undefined ? undefined : t.zeroCost === undefined ? [t.accuracy] : [t.accuracy, t.zeroCost];

/** The snapshot of one candidate's record (what the views need of it). */
export const candidateSnapshot = (c: CandidateRecord): CandidateSnapshot => {
  const out: CandidateSnapshot = { id: c.candidateId, i: c.index };
  if (c.float) out.fl = 1;
  if (c.hardware !== undefined) out.h = [c.hardware.feasible ? 1 : 0, c.hardware.luts, c.hardware.throughputFps];
  const p = resultOf(c.trained);
  if (p !== undefined) out.p = p;
  const F = resultOf(c.finalTrained);
  if (F !== undefined) out.F = F;
  const open: Array<'proxy' | 'final' | number> = [];
  if (c.trainingStarted && c.trained === undefined) open.push('proxy');
  if (c.finalStarted && c.finalTrained === undefined) open.push('final');
  for (const [rung, r] of c.rungs) {
    const result = resultOf(r.trained);
    if (result !== undefined) (out.r ??= {})[String(rung)] = result;
    else if (r.started) open.push(rung);
  }
  if (open.length > 0) out.o = open;
  if (c.failed) out.x = 1;
  return out;
};

/** The snapshot of a state (what its views need). */
export const toSnapshot = (state: SearchState): StateSnapshot => ({
  status: state.status,
  candidates: state.candidates.map(candidateSnapshot),
});

const trainedOf = (
  experimentId: string,
  candidateId: string,
  r: ResultSnapshot | undefined,
): EventData<'CandidateTrained'> | undefined =>
  r === undefined
    ? undefined
    : {
        experimentId,
        candidateId,
        accuracy: r[0],
        epochs: 0,
        trainSeconds: 0,
        backend: 'snapshot',
        ...(r[1] === undefined ? {} : { zeroCost: r[1] }),
      };

/**
 * A candidate's record restored from its snapshot: its class, scores and hardware objectives are those of the record
 * it was taken from, and further events fold into it with evolveCandidateRecord. Its proposal, curves and requested
 * trainings are not restored.
 */
export const candidateFromSnapshot = (experimentId: string, s: CandidateSnapshot): CandidateRecord => {
  const rungs = new Map<number, RungRecord>();
  for (const [rung, r] of Object.entries(s.r ?? {})) {
    const trained = trainedOf(experimentId, s.id, r);
    rungs.set(Number(rung), { started: true, epochsDone: 0, ...(trained === undefined ? {} : { trained }) });
  }
  for (const o of s.o ?? []) if (typeof o === 'number') rungs.set(o, { started: true, epochsDone: 0 });
  const proxy = trainedOf(experimentId, s.id, s.p);
  const final = trainedOf(experimentId, s.id, s.F);
  return {
    index: s.i,
    candidateId: s.id,
    proposedAt: 0,
    float: s.fl === 1,
    autoFold: false,
    proposal: {
      experimentId,
      candidateId: s.id,
      index: s.i,
      candidate: {},
      actions: [],
      logProbs: [],
      rng: { seed: 0, position: 0 },
      controller: 'snapshot',
    },
    ...(s.h === undefined
      ? {}
      : {
          hardware: {
            experimentId,
            candidateId: s.id,
            device: 'snapshot',
            feasible: s.h[0] === 1,
            luts: s.h[1],
            throughputFps: s.h[2],
            latencyMs: 0,
            violations: [],
            layers: [],
          },
        }),
    trainingStarted: proxy !== undefined || (s.o ?? []).includes('proxy'),
    epochsDone: 0,
    finalStarted: final !== undefined || (s.o ?? []).includes('final'),
    finalEpochsDone: 0,
    ...(proxy === undefined ? {} : { trained: proxy }),
    ...(final === undefined ? {} : { finalTrained: final }),
    promotedTo: 0,
    rungs,
    requested: new Set(),
    failed: s.x === 1,
  };
};

/**
 * A state restored from a snapshot: its counts, best candidate and Pareto front are those of the state it was taken
 * from, and further events fold into it with evolve. What the views do not read (proposals, curves, the policy,
 * outstanding jobs) is not restored.
 */
export const fromSnapshot = (experimentId: string, snapshot: StateSnapshot): SearchState => {
  const state = initialState(experimentId);
  state.status = snapshot.status;
  for (const s of snapshot.candidates) {
    const c = candidateFromSnapshot(experimentId, s);
    state.indexOf.set(c.candidateId, state.candidates.length);
    state.candidates.push(c);
  }
  return recount(state);
};
