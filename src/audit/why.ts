// "Why this candidate": the chain of causation from a candidate's final event back to ExperimentStarted (via
// metadata.causationId), each step with the controller's log-probs, hardware figures, accuracy and rewards.
import { CosearchError } from '../errors.js';
import { asExperimentEvent, experimentIdFromStream, experimentStreamId } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import type { ReadOnlyEventStore } from './readOnlyStore.js';
import { findInAll, readWholeStream } from './readOnlyStore.js';

export interface WhyStep {
  position: number;
  revision: number;
  eventId: string;
  type: string;
  actor: string;
  recordedAt: string;
  /** How this step was reached from the previous one: its causationId, or stream order when the link is absent. */
  linkedBy: 'final' | 'causation' | 'stream-start';
  candidateId?: string;
  /** One-line human summary (log-probs, LUTs, accuracy, reward…). */
  summary: string;
  details: Record<string, unknown>;
}

export interface WhyResult {
  candidateId: string;
  experimentId: string;
  /** True when ExperimentCompleted named this candidate as the best. */
  chosenAsBest: boolean;
  /** Steps from the candidate's final event back to ExperimentStarted. */
  chain: WhyStep[];
  /** What the controller had learned before proposing it: the rewards it had seen, oldest first. */
  priorRewards: Array<{ candidateId: string; reward: number; position: number }>;
  priorPolicyUpdates: number;
}

const candidateOf = (e: RecordedEvent): string | undefined => {
  const id = (e.data as { candidateId?: unknown } | null)?.candidateId;
  return typeof id === 'string' ? id : undefined;
};

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

const describe = (e: RecordedEvent): { summary: string; details: Record<string, unknown> } => {
  const event = asExperimentEvent(e);
  if (event === undefined) return { summary: e.type, details: {} };
  switch (event.type) {
    case 'CandidateProposed': {
      const d = event.data;
      return {
        summary: `${d.controller} controller proposed candidate #${d.index}, log-prob ${sum(d.logProbs).toFixed(4)} over ${d.actions.length} actions`,
        details: {
          index: d.index,
          controller: d.controller,
          actions: d.actions,
          logProbs: d.logProbs,
          logProbSum: sum(d.logProbs),
          rng: d.rng,
        },
      };
    }
    case 'HardwareEvaluated': {
      const d = event.data;
      return {
        summary: `${d.device}: ${d.luts} LUTs, ${d.throughputFps.toFixed(1)} img/s, ${d.feasible ? 'feasible' : `infeasible (${d.violations.map((v) => v.constraint).join(', ')})`}`,
        details: {
          device: d.device,
          luts: d.luts,
          throughputFps: d.throughputFps,
          latencyMs: d.latencyMs,
          feasible: d.feasible,
          violations: d.violations,
        },
      };
    }
    case 'CandidateTrained':
      return {
        summary: `trained to accuracy ${event.data.accuracy}`,
        details: { accuracy: event.data.accuracy, testAccuracy: event.data.testAccuracy, backend: event.data.backend },
      };
    case 'RewardAssigned':
      return {
        summary: `reward ${event.data.reward} (${event.data.reason})`,
        details: { reward: event.data.reward, reason: event.data.reason },
      };
    case 'PolicyUpdated':
      return {
        summary: `policy step ${event.data.step}, baseline ${event.data.baseline}`,
        details: { step: event.data.step, baseline: event.data.baseline, loss: event.data.loss },
      };
    case 'ExperimentStarted':
      return {
        summary: `experiment '${event.data.name}' started with seed ${event.data.seed}`,
        details: { seed: event.data.seed, config: event.data.config },
      };
    case 'ExperimentCompleted':
      return {
        summary: `completed (${event.data.reason}); best ${event.data.bestCandidateId ?? 'none'}`,
        details: { bestCandidateId: event.data.bestCandidateId },
      };
    case 'ExperimentResumed':
      return { summary: `resumed (${event.data.reason})`, details: { reason: event.data.reason } };
    case 'CandidatePromoted': {
      const d = event.data;
      return {
        summary: `promoted from rung ${d.fromRung} to ${d.toRung}: rank ${d.rank} of ${d.rungSize}, score ${d.score} ≥ cut-off ${d.cutoff}`,
        details: {
          fromRung: d.fromRung,
          toRung: d.toRung,
          score: d.score,
          cutoff: d.cutoff,
          rank: d.rank,
          rungSize: d.rungSize,
        },
      };
    }
    case 'RungClosed':
      return {
        summary: `rung ${event.data.rung} closed at cut-off ${event.data.cutoff ?? 'none'}: ${event.data.promoted.length} promoted, ${event.data.cut.length} cut`,
        details: { ...event.data },
      };
    case 'TrainingRequested':
    case 'TrainingStarted':
    case 'EpochCompleted':
    case 'ExperimentFailed':
    case 'ExperimentCancelled':
      return { summary: e.type, details: {} };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

const step = (e: RecordedEvent, linkedBy: WhyStep['linkedBy']): WhyStep => {
  const s: WhyStep = {
    position: e.position,
    revision: e.revision,
    eventId: e.id,
    type: e.type,
    actor: e.metadata.actor,
    recordedAt: e.metadata.recordedAt,
    linkedBy,
    ...describe(e),
  };
  const candidateId = candidateOf(e);
  if (candidateId !== undefined) s.candidateId = candidateId;
  return s;
};

/** Builds the causation chain from already-read experiment events. NOT_FOUND when the candidate is not there. */
export const explainCandidate = (
  candidateId: string,
  experimentId: string,
  events: readonly RecordedEvent[],
): WhyResult => {
  const own = events.filter((e) => candidateOf(e) === candidateId);
  const proposal = own.find((e) => e.type === 'CandidateProposed');
  const final = own[own.length - 1];
  if (final === undefined || proposal === undefined) {
    throw new CosearchError(
      'NOT_FOUND',
      `expected candidate ${candidateId} in experiment ${experimentId}, but no CandidateProposed names it.`,
    );
  }
  const byId = new Map(events.map((e) => [e.id, e]));
  const chain: WhyStep[] = [step(final, 'final')];
  const visited = new Set([final.id]);
  for (let e = final; ;) {
    const cause = e.metadata.causationId === undefined ? undefined : byId.get(e.metadata.causationId);
    if (cause === undefined || visited.has(cause.id)) break;
    chain.push(step(cause, 'causation'));
    visited.add(cause.id);
    e = cause;
  }
  // Causation links that stop short (written by an older writer, or a user command) fall back to the stream start.
  const start = events.find((e) => e.type === 'ExperimentStarted');
  if (start !== undefined && !visited.has(start.id)) chain.push(step(start, 'stream-start'));
  const before = events.filter((e) => e.position < proposal.position);
  const priorRewards = before.flatMap((e) => {
    const ev = asExperimentEvent(e);
    return ev?.type === 'RewardAssigned'
      ? [{ candidateId: ev.data.candidateId, reward: ev.data.reward, position: e.position }]
      : [];
  });
  const completed = events.map((e) => asExperimentEvent(e)).find((e) => e?.type === 'ExperimentCompleted');
  return {
    candidateId,
    experimentId,
    chosenAsBest: completed?.type === 'ExperimentCompleted' && completed.data.bestCandidateId === candidateId,
    chain,
    priorRewards,
    priorPolicyUpdates: before.filter((e) => e.type === 'PolicyUpdated').length,
  };
};

/** Finds the candidate's experiment (scanning `$all` unless `experimentId` is given) and explains it. */
export const whyCandidate = async (
  store: ReadOnlyEventStore,
  candidateId: string,
  options: { experimentId?: string } = {},
): Promise<WhyResult> => {
  let experimentId = options.experimentId;
  if (experimentId === undefined) {
    const proposal = await findInAll(store, (e) => e.type === 'CandidateProposed' && candidateOf(e) === candidateId);
    experimentId = proposal === undefined ? undefined : experimentIdFromStream(proposal.streamId);
    if (experimentId === undefined) {
      throw new CosearchError(
        'NOT_FOUND',
        `expected a CandidateProposed event for candidate ${candidateId} in the store, but found none. Check the id and --store URL.`,
      );
    }
  }
  return explainCandidate(candidateId, experimentId, await readWholeStream(store, experimentStreamId(experimentId)));
};
