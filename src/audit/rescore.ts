// Re-score a finished experiment under new hardware constraints: re-evaluate every trained candidate with the
// hardware model (no retraining), pick the best that fits, and record it in a new `rescoring-<id>` stream.
import { randomUUID } from 'node:crypto';
import { CosearchError } from '../errors.js';
import { experimentStreamId, rescoringStreamId } from '../events/index.js';
import type { EventStore, EventToAppend } from '../store/index.js';
import { readOnlyStore, readWholeStream } from './readOnlyStore.js';
import { replayEvents } from './replay.js';

/** New constraints; omitted limits are not checked. */
export interface RescoreConstraints {
  /** Device preset name of src/hardware, e.g. `zynq7020`. @default the experiment's config.device.preset */
  device?: string;
  /** LUT budget (LUTs). @default unlimited */
  maxLuts?: number;
  /** Required throughput (images per second). @default none */
  minFps?: number;
}

/** What the hardware model reports for one candidate under the new constraints. */
export interface RescoreEvaluation {
  luts: number;
  throughputFps: number;
  latencyMs: number;
  feasible: boolean;
  violations: Array<{ constraint: string; limit: number; actual: number }>;
}

/** Hardware model adapter: evaluates the candidate JSON recorded in CandidateProposed. Pure and deterministic. */
export type RescoreEvaluator = (
  candidate: Record<string, unknown>,
  constraints: ResolvedRescoreConstraints,
) => RescoreEvaluation;

/** Constraints with the device resolved. */
export type ResolvedRescoreConstraints = RescoreConstraints & { device: string };

const configuredDevice = (config: Record<string, unknown> | null): string | undefined => {
  const preset = (config?.device as { preset?: unknown } | undefined)?.preset;
  return typeof preset === 'string' ? preset : undefined;
};

export interface RescoreOptions {
  evaluate: RescoreEvaluator;
  /** Id of the new rescoring stream. @default randomUUID() */
  rescoringId?: string;
  /** Actor written in the events' metadata. @default 'cli' */
  actor?: string;
}

export interface RescoredCandidate extends RescoreEvaluation {
  candidateId: string;
  index: number;
  accuracy: number;
}

export interface RescoreResult {
  rescoringId: string;
  streamId: string;
  experimentId: string;
  constraints: ResolvedRescoreConstraints;
  candidates: RescoredCandidate[];
  feasible: RescoredCandidate[];
  best: RescoredCandidate | null;
}

/** The experiment model's one rule for "best" (src/experiment ranksAbove): the higher score, then the earlier proposal. */
const better = (a: RescoredCandidate, b: RescoredCandidate): number => b.accuracy - a.accuracy || a.index - b.index;

/** Re-evaluates the trained candidates of `experimentId` and appends the result to `rescoring-<rescoringId>`. */
export const rescoreExperiment = async (
  store: EventStore,
  experimentId: string,
  requested: RescoreConstraints,
  options: RescoreOptions,
): Promise<RescoreResult> => {
  const events = await readWholeStream(readOnlyStore(store), experimentStreamId(experimentId));
  const last = events[events.length - 1];
  if (last === undefined) {
    throw new CosearchError(
      'NOT_FOUND',
      `expected events in stream ${experimentStreamId(experimentId)}, but it is empty. Check the experiment id and --store URL.`,
    );
  }
  const state = replayEvents(experimentId, events);
  if (state.status === 'running' || state.status === 'not_started') {
    throw new CosearchError(
      'ILLEGAL_STATE',
      `expected a finished experiment to re-score, but ${experimentId} is ${state.status}. Wait for it to complete or cancel it.`,
    );
  }
  const constraints: ResolvedRescoreConstraints = {
    ...requested,
    device: requested.device ?? configuredDevice(state.config) ?? 'zynq7020',
  };
  const candidates = state.candidates
    // Every candidate with a result, including one whose later training was cut by a failure (status 'failed').
    .filter((c) => c.accuracy !== undefined)
    .map((c): RescoredCandidate => ({
      candidateId: c.candidateId,
      index: c.index,
      accuracy: c.accuracy ?? 0,
      ...options.evaluate(c.foldedCandidate ?? c.candidate, constraints),
    }));
  const feasible = candidates.filter((c) => c.feasible).sort(better);
  const best = feasible[0] ?? null;
  const rescoringId = options.rescoringId ?? randomUUID();
  const streamId = rescoringStreamId(rescoringId);
  const metadata = { correlationId: experimentId, actor: options.actor ?? 'cli' };
  const startedId = randomUUID();
  const toAppend: EventToAppend[] = [
    {
      id: startedId,
      type: 'RescoreStarted',
      metadata,
      data: { rescoringId, experimentId, constraints, sourcePosition: last.position, sourceHash: last.metadata.hash },
    },
    ...candidates.map((c) => ({
      id: randomUUID(),
      type: 'CandidateRescored',
      metadata: { ...metadata, causationId: startedId },
      data: {
        rescoringId,
        experimentId,
        candidateId: c.candidateId,
        accuracy: c.accuracy,
        luts: c.luts,
        throughputFps: c.throughputFps,
        latencyMs: c.latencyMs,
        feasible: c.feasible,
        violations: c.violations,
      },
    })),
    {
      id: randomUUID(),
      type: 'RescoreCompleted',
      metadata: { ...metadata, causationId: startedId },
      data: {
        rescoringId,
        experimentId,
        evaluated: candidates.length,
        feasible: feasible.length,
        bestCandidateId: best?.candidateId ?? null,
        bestAccuracy: best?.accuracy ?? null,
      },
    },
  ];
  await store.append(streamId, toAppend, 'no_stream');
  return { rescoringId, streamId, experimentId, constraints, candidates, feasible, best };
};
