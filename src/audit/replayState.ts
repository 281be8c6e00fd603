// The replay fold: rebuilds what an experiment knew (counts, candidates, leaderboard, Pareto front, progress
// timeline, policy) from its events alone. Pure: no clock, no store, no I/O; replay.ts feeds it.
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
  status: 'proposed' | 'pruned' | 'training' | 'trained';
  device?: string;
  luts?: number;
  throughputFps?: number;
  latencyMs?: number;
  feasible?: boolean;
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
  /** Best accuracy among trained candidates up to this point (null before the first). */
  bestAccuracy: number | null;
}

/** When the event first happened: the exporting store's time for imported events, else the store's recordedAt. */
export const originalRecordedAt = (event: RecordedEvent): string => {
  const imported = (event.metadata as { imported?: { recordedAt?: unknown } }).imported;
  return typeof imported?.recordedAt === 'string' ? imported.recordedAt : event.metadata.recordedAt;
};

/** Mutable accumulator of the fold; finish it with summarizeReplay. */
export interface ReplayAccumulator {
  experimentId: string | null;
  name: string | null;
  seed: number | null;
  config: Record<string, unknown> | null;
  status: ReplayStatus;
  reason: string | null;
  candidates: Map<string, ReplayCandidate>;
  timeline: TimelinePoint[];
  counts: { events: number; proposed: number; pruned: number; trained: number; rewarded: number; epochs: number; policyUpdates: number };
  policy: { step: number; baseline: number; loss: number | null } | null;
  bestAccuracy: number | null;
  lastPosition: number;
  lastRevision: number;
  lastRecordedAt: string | null;
}

export const createReplayAccumulator = (): ReplayAccumulator => ({
  experimentId: null, name: null, seed: null, config: null, status: 'not_started', reason: null,
  candidates: new Map(), timeline: [],
  counts: { events: 0, proposed: 0, pruned: 0, trained: 0, rewarded: 0, epochs: 0, policyUpdates: 0 },
  policy: null, bestAccuracy: null, lastPosition: 0, lastRevision: -1, lastRecordedAt: null,
});

/** Applies one recorded event to the accumulator (in place, for speed over 100k-event streams). */
export const applyReplayEvent = (acc: ReplayAccumulator, recorded: RecordedEvent): void => {
  acc.counts.events += 1;
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
    case 'CandidateProposed': {
      const d = event.data;
      acc.counts.proposed += 1;
      acc.candidates.set(d.candidateId, {
        candidateId: d.candidateId, index: d.index, controller: d.controller, candidate: d.candidate,
        actions: d.actions, logProbs: d.logProbs, status: 'proposed', proposedAtPosition: recorded.position,
      });
      return;
    }
    case 'HardwareEvaluated': {
      const c = acc.candidates.get(event.data.candidateId);
      if (c === undefined) return;
      c.device = event.data.device;
      c.luts = event.data.luts;
      c.throughputFps = event.data.throughputFps;
      c.latencyMs = event.data.latencyMs;
      c.feasible = event.data.feasible;
      const folded = (event.data as { foldedCandidate?: unknown }).foldedCandidate;
      if (typeof folded === 'object' && folded !== null) c.foldedCandidate = folded as Record<string, unknown>;
      if (!event.data.feasible) { c.status = 'pruned'; acc.counts.pruned += 1; }
      return;
    }
    case 'TrainingStarted': {
      const c = acc.candidates.get(event.data.candidateId);
      if (c !== undefined) c.status = 'training';
      return;
    }
    case 'EpochCompleted':
      acc.counts.epochs += 1;
      return;
    case 'CandidateTrained': {
      const c = acc.candidates.get(event.data.candidateId);
      // A multi-fidelity rung re-trains a candidate already counted at its proxy run.
      if (event.data.rung === undefined) acc.counts.trained += 1;
      if (acc.bestAccuracy === null || event.data.accuracy > acc.bestAccuracy) acc.bestAccuracy = event.data.accuracy;
      if (c === undefined) return;
      c.status = 'trained';
      c.accuracy = event.data.accuracy;
      if (event.data.testAccuracy !== undefined) c.testAccuracy = event.data.testAccuracy;
      return;
    }
    case 'RewardAssigned': {
      const c = acc.candidates.get(event.data.candidateId);
      acc.counts.rewarded += 1;
      if (c !== undefined) c.reward = event.data.reward;
      acc.timeline.push({
        position: recorded.position, recordedAt, candidateId: event.data.candidateId,
        index: c?.index ?? -1, reward: event.data.reward, bestAccuracy: acc.bestAccuracy,
      });
      return;
    }
    case 'PolicyUpdated':
      acc.counts.policyUpdates += 1;
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

/** Trained candidates no other trained candidate beats on both accuracy (higher) and LUTs (lower). By LUTs. */
export const paretoFront = (candidates: Iterable<ReplayCandidate>): ReplayCandidate[] => {
  const trained = [...candidates]
    .filter((c) => c.status === 'trained' && c.accuracy !== undefined && c.luts !== undefined)
    .sort((a, b) => (a.luts ?? 0) - (b.luts ?? 0) || (b.accuracy ?? 0) - (a.accuracy ?? 0));
  const front: ReplayCandidate[] = [];
  let best = -Infinity;
  for (const c of trained) {
    if ((c.accuracy ?? -Infinity) > best) { front.push(c); best = c.accuracy ?? best; }
  }
  return front;
};

/** Trained candidates by accuracy, best first (ties: the earlier proposal first). */
export const leaderboard = (candidates: Iterable<ReplayCandidate>, limit = 10): ReplayCandidate[] =>
  [...candidates]
    .filter((c) => c.status === 'trained' && c.accuracy !== undefined)
    .sort((a, b) => (b.accuracy ?? 0) - (a.accuracy ?? 0) || a.index - b.index)
    .slice(0, limit);
