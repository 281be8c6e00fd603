// Replay without side effects: rebuilds an experiment's state as of a position or time from its events alone.
// It takes a ReadOnlyEventStore, so nothing can be appended during a replay; nothing is retrained.
import { CosearchError } from '../errors.js';
import { experimentStreamId } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import type { ReadOnlyEventStore } from './readOnlyStore.js';
import { readWholeStream } from './readOnlyStore.js';
import type { ReplayCandidate, ReplayStatus, TimelinePoint } from './replayState.js';
import { applyReplayEvent, createReplayAccumulator, leaderboard, originalRecordedAt, paretoFront } from './replayState.js';

/** Where a replay stops: at a global position (inclusive) or a time (inclusive, ISO-8601; original time for imported events). */
export type ReplayUntil = { position: number } | { time: string };

/** Rebuilds the controller's state alongside the replay: fed every replayed event, then asked for a summary. */
export interface ControllerRebuild {
  apply(event: RecordedEvent): void;
  /** JSON-friendly view of the rebuilt controller state. */
  summary(): unknown;
}

export interface ReplayOptions {
  /** Stop after this position or time. @default the end of the stream */
  until?: ReplayUntil;
  /** How many candidates the leaderboard keeps. @default 10 */
  leaderboardSize?: number;
  /** Rebuilds the controller's state too, when given (see searchControllerRebuild). @default none (omitted) */
  controller?: ControllerRebuild;
}

export interface ExperimentReplayResult {
  experimentId: string;
  name: string | null;
  seed: number | null;
  config: Record<string, unknown> | null;
  status: ReplayStatus;
  reason: string | null;
  asOf: { position: number; revision: number; recordedAt: string | null };
  counts: { events: number; proposed: number; pruned: number; trained: number; rewarded: number; epochs: number; policyUpdates: number };
  bestAccuracy: number | null;
  leaderboard: ReplayCandidate[];
  paretoFront: ReplayCandidate[];
  timeline: TimelinePoint[];
  policy: { step: number; baseline: number; loss: number | null } | null;
  candidates: ReplayCandidate[];
  controller?: unknown;
}

/** Parses a `--until` argument: digits are a global position, anything else must be an ISO-8601 time. */
export const parseReplayUntil = (value: string | number): ReplayUntil => {
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const position = Number(value);
    if (Number.isSafeInteger(position) && position >= 0) return { position };
  } else if (!Number.isNaN(Date.parse(value))) {
    return { time: new Date(value).toISOString() };
  }
  throw new CosearchError('BAD_USER_INPUT',
    `--until expects a global event position (a non-negative integer) or an ISO-8601 time, but got '${value}'. ` +
    'Example: --until 1200 or --until 2026-11-24T19:00:00Z.');
};

const stopAt = (until: ReplayUntil | undefined): ((e: RecordedEvent) => boolean) => {
  if (until === undefined) return () => false;
  if ('position' in until) return (e) => e.position > until.position;
  const limit = Date.parse(until.time);
  return (e) => Date.parse(originalRecordedAt(e)) > limit;
};

/** Folds already-read events (in stream order) into the replay result. Pure. */
export const replayEvents = (
  experimentId: string,
  events: readonly RecordedEvent[],
  options: ReplayOptions = {},
): ExperimentReplayResult => {
  const acc = createReplayAccumulator();
  const stop = stopAt(options.until);
  for (const event of events) {
    if (stop(event)) break;
    applyReplayEvent(acc, event);
    options.controller?.apply(event);
  }
  const candidates = [...acc.candidates.values()];
  const result: ExperimentReplayResult = {
    experimentId: acc.experimentId ?? experimentId, name: acc.name, seed: acc.seed, config: acc.config, status: acc.status, reason: acc.reason,
    asOf: { position: acc.lastPosition, revision: acc.lastRevision, recordedAt: acc.lastRecordedAt },
    counts: acc.counts, bestAccuracy: acc.bestAccuracy,
    leaderboard: leaderboard(candidates, options.leaderboardSize ?? 10),
    paretoFront: paretoFront(candidates), timeline: acc.timeline, policy: acc.policy, candidates,
  };
  if (options.controller !== undefined) result.controller = options.controller.summary();
  return result;
};

/** Reads `experiment-<id>` through a read-only store and replays it. NOT_FOUND when the stream is empty. */
export const replayExperiment = async (
  store: ReadOnlyEventStore,
  experimentId: string,
  options: ReplayOptions = {},
): Promise<ExperimentReplayResult> => {
  const events = await readWholeStream(store, experimentStreamId(experimentId));
  if (events.length === 0) {
    throw new CosearchError('NOT_FOUND',
      `expected events in stream ${experimentStreamId(experimentId)}, but it is empty. Check the experiment id and --store URL.`);
  }
  return replayEvents(experimentId, events, options);
};
