// Replay without side effects: rebuilds an experiment's state as of a position or time from its events alone.
// It takes a ReadOnlyEventStore, so nothing can be appended during a replay; nothing is retrained.
import { yieldToEventLoop } from './readOnlyStore.js';
import { CosearchError } from '../errors.js';
import { experimentStreamId } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import type { ReadOnlyEventStore } from './readOnlyStore.js';
import type { ReplayCandidate, ReplayStatus, TimelinePoint } from './replayState.js';
import {
  applyReplayEvent,
  createReplayAccumulator,
  leaderboard,
  originalRecordedAt,
  paretoFront,
  replayBestAccuracy,
  replayCandidates,
  replayCounts,
  type ReplayCounts,
} from './replayState.js';

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
  counts: ReplayCounts;
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
  throw new CosearchError(
    'BAD_USER_INPUT',
    `--until expects a global event position (a non-negative integer) or an ISO-8601 time, but got '${value}'. ` +
      'Example: --until 1200 or --until 2026-11-24T19:00:00Z.',
  );
};

const stopAt = (until: ReplayUntil | undefined): ((e: RecordedEvent) => boolean) => {
  if (until === undefined) return () => false;
  if ('position' in until) return (e) => e.position > until.position;
  const limit = Date.parse(until.time);
  return (e) => Date.parse(originalRecordedAt(e)) > limit;
};

/** A fold in progress: feed events in stream order with `apply` (false once past `until`), then `finish`. */
interface ReplayFold {
  apply(event: RecordedEvent): boolean;
  finish(experimentId: string): ExperimentReplayResult;
}

const createReplayFold = (options: ReplayOptions): ReplayFold => {
  const acc = createReplayAccumulator();
  const stop = stopAt(options.until);
  let stopped = false;
  return {
    apply: (event) => {
      if (stopped || stop(event)) {
        stopped = true;
        return false;
      }
      applyReplayEvent(acc, event);
      options.controller?.apply(event);
      return true;
    },
    finish: (experimentId) => {
      const candidates = replayCandidates(acc);
      const views = new Map(candidates.map((c) => [c.candidateId, c]));
      const result: ExperimentReplayResult = {
        experimentId: acc.experimentId ?? experimentId,
        name: acc.name,
        seed: acc.seed,
        config: acc.config,
        status: acc.status,
        reason: acc.reason,
        asOf: { position: acc.lastPosition, revision: acc.lastRevision, recordedAt: acc.lastRecordedAt },
        counts: replayCounts(acc),
        bestAccuracy: replayBestAccuracy(acc),
        leaderboard: leaderboard(acc, views, options.leaderboardSize ?? 10),
        paretoFront: paretoFront(acc, views),
        timeline: acc.timeline,
        policy: acc.policy,
        candidates,
      };
      if (options.controller !== undefined) result.controller = options.controller.summary();
      return result;
    },
  };
};

/** Folds already-read events (in stream order) into the replay result. Pure. */
export const replayEvents = (
  experimentId: string,
  events: readonly RecordedEvent[],
  options: ReplayOptions = {},
): ExperimentReplayResult => {
  const fold = createReplayFold(options);
  for (const event of events) if (!fold.apply(event)) break;
  return fold.finish(experimentId);
};

/** Events per read while replaying: small pages die young in V8's new space, so a 100k-event replay barely GCs. */
const REPLAY_PAGE_SIZE = 2000;

/**
 * Reads `experiment-<id>` through a read-only store page by page, folding each page as it arrives (the stream is
 * never held whole, and reading stops at `until`). NOT_FOUND when the stream is empty.
 */
export const replayExperiment = async (
  store: ReadOnlyEventStore,
  experimentId: string,
  options: ReplayOptions = {},
): Promise<ExperimentReplayResult> => {
  const streamId = experimentStreamId(experimentId);
  const fold = createReplayFold(options);
  let fromRevision = 0;
  for (;;) {
    const page = await store.readStream(streamId, { direction: 'forwards', fromRevision, maxCount: REPLAY_PAGE_SIZE });
    if (fromRevision === 0 && page.length === 0) {
      throw new CosearchError(
        'NOT_FOUND',
        `expected events in stream ${streamId}, but it is empty. Check the experiment id and --store URL.`,
      );
    }
    let going = true;
    for (const event of page) if (!(going = fold.apply(event))) break;
    const last = page[page.length - 1];
    if (!going || page.length < REPLAY_PAGE_SIZE || last === undefined) return fold.finish(experimentId);
    fromRevision = last.revision + 1;
    await yieldToEventLoop();
  }
};
