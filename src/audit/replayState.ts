// The replay fold: rebuilds what an experiment knew (counts, candidates, leaderboard, Pareto front, progress
// timeline, policy) from its events alone. Pure: no clock, no store, no I/O; replay.ts feeds it. The counts, the
// best candidate, each candidate's score and the Pareto front come from src/experiment's fold, as every reader's do;
// this file adds only what a replay shows beyond them (the per-candidate view, the timeline, event tallies).
import {
  accuracyOf,
  bestAccuracyOf,
  evolveInPlace,
  initialState,
  isFeasibleTrained,
  candidateStatusOf,
  paretoOf,
  ranksAbove,
  topRungOf,
  type CandidateRecord,
  type CandidateStatus,
  type ExperimentCounts,
  type SearchState,
} from '../experiment/index.js';
import { asExperimentEvent } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';

export type ReplayStatus = 'not_started' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One candidate as far as the replayed events tell. */
export interface ReplayCandidate {
  candidateId: string;
  index: number;
  controller: string;
  candidate: Record<string, unknown>;
  /** The candidate as the hardware model folded it (HardwareEvaluated.foldedCandidate), when recorded. */
  foldedCandidate?: Record<string, unknown>;
  actions: number[];
  logProbs: number[];
  /** The experiment model's status of the candidate (candidateStatusOf). */
  status: CandidateStatus;
  /** A float design (the separate baseline's stage 1): never on the leaderboard or the front. */
  float: boolean;
  device?: string;
  luts?: number;
  throughputFps?: number;
  latencyMs?: number;
  feasible?: boolean;
  /** Its score (src/experiment's accuracyOf): the final training's accuracy, else its highest rung's. */
  accuracy?: number;
  testAccuracy?: number;
  reward?: number;
  proposedAtPosition: number;
}

/** One point of the progress timeline: written when a candidate receives its reward. */
export interface TimelinePoint {
  position: number;
  recordedAt: string;
  candidateId: string;
  index: number;
  reward: number;
  /** The best feasible candidate's accuracy up to this point (null before the first). */
  bestAccuracy: number | null;
}

/** When the event first happened: the exporting store's time for imported events, else the store's recordedAt. */
export const originalRecordedAt = (event: RecordedEvent): string => {
  const imported = (event.metadata as { imported?: { recordedAt?: unknown } }).imported;
  return typeof imported?.recordedAt === 'string' ? imported.recordedAt : event.metadata.recordedAt;
};

/** What a replay counts: the experiment's candidate counts, and tallies of events. */
export type ReplayCounts = ExperimentCounts & {
  events: number;
  rewarded: number;
  epochs: number;
  policyUpdates: number;
};

/** Mutable accumulator of the fold; finish it with summarizeReplay. */
export interface ReplayAccumulator {
  /** The experiment's own fold, in place (this accumulator owns it). */
  model: SearchState;
  experimentId: string | null;
  name: string | null;
  seed: number | null;
  config: Record<string, unknown> | null;
  status: ReplayStatus;
  reason: string | null;
  timeline: TimelinePoint[];
  tallies: { events: number; rewarded: number; epochs: number; policyUpdates: number };
  policy: { step: number; baseline: number; loss: number | null } | null;
  lastPosition: number;
  lastRevision: number;
  lastRecordedAt: string | null;
}

export const createReplayAccumulator = (): ReplayAccumulator => ({
  model: initialState(''),
  experimentId: null,
  name: null,
  seed: null,
  config: null,
  status: 'not_started',
  reason: null,
  timeline: [],
  tallies: { events: 0, rewarded: 0, epochs: 0, policyUpdates: 0 },
  policy: null,
  lastPosition: 0,
  lastRevision: -1,
  lastRecordedAt: null,
});

/** Applies one recorded event to the accumulator (in place, for speed over 100k-event streams). */
export const applyReplayEvent = (acc: ReplayAccumulator, recorded: RecordedEvent): void => {
  acc.tallies.events += 1;
  evolveInPlace(acc.model, recorded);
  acc.lastPosition = recorded.position;
  acc.lastRevision = recorded.revision;
  const recordedAt = originalRecordedAt(recorded);
  acc.lastRecordedAt = recordedAt;
  const event = asExperimentEvent(recorded);
  if (event === undefined) return; // events outside the experiment catalog do not change the experiment's state
  switch (event.type) {
    case 'ExperimentStarted':
      acc.experimentId = event.data.experimentId;
      acc.name = event.data.name;
      acc.seed = event.data.seed;
      acc.config = event.data.config;
      acc.status = 'running';
      return;
    case 'CandidateProposed':
    case 'HardwareEvaluated':
    case 'TrainingStarted':
    case 'CandidateTrained':
      // Folded by the experiment model above; the candidate views derive from it (replayCandidates).
      return;
    case 'EpochCompleted':
      acc.tallies.epochs += 1;
      return;
    case 'RewardAssigned': {
      acc.tallies.rewarded += 1;
      acc.timeline.push({
        position: recorded.position,
        recordedAt,
        candidateId: event.data.candidateId,
        index: acc.model.indexOf.get(event.data.candidateId) ?? -1,
        reward: event.data.reward,
        bestAccuracy: bestAccuracyOf(acc.model),
      });
      return;
    }
    case 'PolicyUpdated':
      acc.tallies.policyUpdates += 1;
      acc.policy = { step: event.data.step, baseline: event.data.baseline, loss: event.data.loss ?? null };
      return;
    case 'ExperimentCompleted':
      acc.status = 'completed';
      acc.reason = event.data.reason;
      return;
    case 'ExperimentFailed':
      acc.status = 'failed';
      acc.reason = `${event.data.error.code}: ${event.data.error.message}`;
      return;
    case 'ExperimentCancelled':
      acc.status = 'cancelled';
      acc.reason = event.data.reason;
      return;
    case 'ExperimentResumed':
      // An operator's request to pick the experiment up again; the search state it changes is nothing.
      return;
    case 'TrainingRequested':
      // Handed to a worker; its TrainingStarted and CandidateTrained follow in this stream.
      return;
    case 'CandidatePromoted':
    case 'RungClosed':
      // Multi-fidelity decisions; the rung trainings they cause are CandidateTrained events with a `rung`.
      return;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

/** The counts of the replayed experiment: its candidate counts (the one fold's) and the event tallies. */
export const replayCounts = (acc: ReplayAccumulator): ReplayCounts => ({ ...acc.model.counts, ...acc.tallies });

/** The best feasible candidate's accuracy (null before one, and for zero-cost scores). */
export const replayBestAccuracy = (acc: ReplayAccumulator): number | null => bestAccuracyOf(acc.model);

/** What replay shows of one candidate of the experiment model. */
const replayCandidateOf = (c: CandidateRecord): ReplayCandidate => {
  const p = c.proposal;
  const h = c.hardware;
  const top = topRungOf(c);
  const result = c.finalTrained ?? (top > 0 ? c.rungs.get(top)?.trained : undefined) ?? c.trained;
  const status = candidateStatusOf(c);
  const score = accuracyOf(c);
  return {
    candidateId: c.candidateId,
    index: c.index,
    controller: p.controller,
    candidate: p.candidate,
    float: c.float,
    ...(h?.foldedCandidate === undefined ? {} : { foldedCandidate: h.foldedCandidate }),
    actions: p.actions,
    logProbs: p.logProbs,
    status,
    ...(h === undefined
      ? {}
      : {
          device: h.device,
          luts: h.luts,
          throughputFps: h.throughputFps,
          latencyMs: h.latencyMs,
          feasible: h.feasible,
        }),
    ...(score === undefined || result === undefined ? {} : { accuracy: score }),
    ...(result?.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }),
    ...(c.reward === undefined ? {} : { reward: c.reward }),
    proposedAtPosition: c.proposedAt,
  };
};

/** The per-candidate views, by proposal, each with its score from the one fold. */
export const replayCandidates = (acc: ReplayAccumulator): ReplayCandidate[] =>
  acc.model.candidates.map(replayCandidateOf);

/** The experiment's Pareto front (src/experiment's rule), as candidate views. */
export const paretoFront = (acc: ReplayAccumulator, views: ReadonlyMap<string, ReplayCandidate>): ReplayCandidate[] =>
  paretoOf(acc.model).flatMap((p) => {
    const c = views.get(p.candidateId);
    return c === undefined ? [] : [c];
  });

/** Feasible trained candidates, best first by the one "best" rule (higher score, then the earlier proposal). */
export const leaderboard = (
  acc: ReplayAccumulator,
  views: ReadonlyMap<string, ReplayCandidate>,
  limit = 10,
): ReplayCandidate[] => {
  // A top-k pass: the 10 best of 100k candidates without sorting them all.
  const top: CandidateRecord[] = [];
  for (const c of acc.model.candidates) {
    if (!isFeasibleTrained(c)) continue;
    if (top.length === limit && !ranksAbove(c, top[top.length - 1])) continue;
    let at = top.length;
    while (at > 0 && ranksAbove(c, top[at - 1])) at -= 1;
    top.splice(at, 0, c);
    if (top.length > limit) top.pop();
  }
  return top.flatMap((r) => {
    const c = views.get(r.candidateId);
    return c === undefined ? [] : [c];
  });
};
