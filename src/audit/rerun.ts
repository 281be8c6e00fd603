// Deterministic re-run: re-executes a finished experiment with the same config and seed into a new experiment,
// feeding recorded training (and hardware) results, then compares every controller decision with the original.
import { randomUUID } from 'node:crypto';
import { CosearchError } from '../errors.js';
import { experimentStreamId } from '../events/index.js';
import { runExperiment, startExperiment } from '../search/index.js';
import type { ExperimentConfig, HardwareEvaluator } from '../search/index.js';
import type { EventStore, RecordedEvent } from '../store/index.js';
import { canonicalJson } from '../store/index.js';
import { readOnlyStore, readWholeStream } from './readOnlyStore.js';
import { createRecordedPorts } from './recordedPorts.js';

export interface RerunOptions {
  /** Id of the new experiment. @default a random UUID */
  rerunExperimentId?: string;
  /** Replace the seed: a deliberate perturbation, to see divergence reported. @default the original seed */
  seed?: number;
  /** A live hardware model instead of the recorded reports (checks the hardware model too). @default recorded */
  hardware?: (config: ExperimentConfig) => HardwareEvaluator;
  /** Largest absolute difference tolerated between numbers (log-probs, baselines). @default 0 (exact) */
  tolerance?: number;
  /** @default 'cli' */
  actor?: string;
}

/** The first decision that differs. `rerun` is null when the re-run stopped before making it. */
export interface RerunDivergence {
  /** 0-based index in the sequence of decisions compared. */
  decision: number;
  eventType: string;
  /** Dotted path of the first differing field, e.g. `actions[3]`. */
  field: string;
  original: unknown;
  rerun: unknown;
  originalPosition: number | null;
  rerunPosition: number | null;
  message: string;
}

export interface RerunResult {
  experimentId: string;
  rerunExperimentId: string;
  identical: boolean;
  decisionsCompared: number;
  /** Training or hardware requests the recording could not answer. */
  unrecordedRequests: number;
  firstDivergence: RerunDivergence | null;
}

interface Decision {
  type: string;
  value: Record<string, unknown>;
  position: number;
}

/** The controller-relevant content of a stream, with candidate ids replaced by candidate indices. */
export const decisionsOf = (events: readonly RecordedEvent[]): Decision[] => {
  const index = new Map<string, number>();
  const out: Decision[] = [];
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    const idx = typeof d.candidateId === 'string' ? index.get(d.candidateId) : undefined;
    const push = (value: Record<string, unknown>): void => {
      out.push({ type: e.type, value, position: e.position });
    };
    switch (e.type) {
      case 'CandidateProposed':
        index.set(String(d.candidateId), Number(d.index));
        push({
          index: d.index,
          controller: d.controller,
          actions: d.actions,
          logProbs: d.logProbs,
          candidate: d.candidate,
        });
        break;
      case 'HardwareEvaluated':
        push({ index: idx, feasible: d.feasible, luts: d.luts, throughputFps: d.throughputFps });
        break;
      case 'CandidateTrained':
        push({ index: idx, accuracy: d.accuracy });
        break;
      case 'RewardAssigned':
        push({ index: idx, reward: d.reward, reason: d.reason });
        break;
      case 'PolicyUpdated':
        push({ step: d.step, baseline: d.baseline, loss: d.loss });
        break;
      case 'ExperimentCompleted':
        push({
          best: typeof d.bestCandidateId === 'string' ? index.get(d.bestCandidateId) : null,
          reason: d.reason,
          proposed: d.proposed,
          pruned: d.pruned,
          trained: d.trained,
        });
        break;
      default:
        break;
    }
  }
  return out;
};

/** First differing path between two JSON values ('' when equal within `tolerance`). */
const firstDifference = (a: unknown, b: unknown, tolerance: number, path: string): string | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance || a === b ? undefined : path;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      const diff = firstDifference(a[i], b[i], tolerance, `${path}[${i}]`);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const diff = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        tolerance,
        path === '' ? k : `${path}.${k}`,
      );
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  return canonicalJson(a) === canonicalJson(b) ? undefined : path;
};

const valueAt = (value: unknown, path: string): unknown =>
  path
    .split(/\.|\[|\]/)
    .filter((p) => p !== '')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );

/** Compares two decision sequences; the first difference, or null when they match. */
export const compareDecisions = (
  original: readonly Decision[],
  rerun: readonly Decision[],
  tolerance = 0,
): RerunDivergence | null => {
  for (let i = 0; i < Math.max(original.length, rerun.length); i += 1) {
    const o = original[i];
    const r = rerun[i];
    const type = o?.type ?? r?.type ?? '?';
    const field =
      o === undefined || r === undefined
        ? ''
        : o.type !== r.type
          ? 'type'
          : firstDifference(o.value, r.value, tolerance, '');
    if (field === undefined) continue;
    const originalValue =
      o === undefined ? null : field === 'type' ? o.type : field === '' ? o.value : valueAt(o.value, field);
    const rerunValue =
      r === undefined ? null : field === 'type' ? r.type : field === '' ? r.value : valueAt(r.value, field);
    return {
      decision: i,
      eventType: type,
      field: field === '' ? '(whole event)' : field,
      original: originalValue,
      rerun: rerunValue,
      originalPosition: o?.position ?? null,
      rerunPosition: r?.position ?? null,
      message:
        `decision ${i} (${type}${o?.value.index === undefined ? '' : ` of candidate #${String(o.value.index)}`}) differs at ${field === '' ? 'its presence' : field}: ` +
        `original ${JSON.stringify(originalValue)}, re-run ${JSON.stringify(rerunValue)}`,
    };
  }
  return null;
};

/** Re-runs `experimentId` of `store` into a new experiment in the same store and compares the decisions. */
export const rerunExperiment = async (
  store: EventStore,
  experimentId: string,
  options: RerunOptions = {},
): Promise<RerunResult> => {
  const original = await readWholeStream(readOnlyStore(store), experimentStreamId(experimentId));
  const started = original[0];
  if (started?.type !== 'ExperimentStarted') {
    throw new CosearchError(
      'NOT_FOUND',
      `expected stream ${experimentStreamId(experimentId)} to begin with ExperimentStarted, but it ${started === undefined ? 'is empty' : `begins with ${started.type}`}.`,
    );
  }
  if (!original.some((e) => e.type === 'ExperimentCompleted')) {
    throw new CosearchError(
      'ILLEGAL_STATE',
      `expected a completed experiment to re-run, but ${experimentId} has no ExperimentCompleted event.`,
    );
  }
  const startedData = started.data as { config: Record<string, unknown>; seed: number };
  const completed = original.find((e) => e.type === 'ExperimentCompleted')?.data as
    { reason?: unknown; proposed?: unknown } | undefined;
  // A wall-clock stop cannot repeat (recorded results come back instantly), so the re-run stops after the same
  // number of proposals instead, and the completion reason is left out of the comparison.
  const wallStopped = typeof completed?.reason === 'string' && completed.reason.startsWith('max wall time');
  const budget = { ...(startedData.config.budget as Record<string, unknown> | undefined) };
  if (wallStopped) {
    delete budget.maxWallSeconds;
    budget.maxCandidates = completed?.proposed;
  }
  const config = { ...startedData.config, budget, seed: options.seed ?? startedData.seed };
  const rerunExperimentId = options.rerunExperimentId ?? randomUUID();
  const recorded = createRecordedPorts(original);
  await startExperiment(store, config, { experimentId: rerunExperimentId, actor: options.actor ?? 'cli' });
  await runExperiment({
    store,
    experimentId: rerunExperimentId,
    trainer: recorded.trainer,
    actor: options.actor ?? 'cli',
    hardware: options.hardware ?? (() => recorded.hardware),
  });
  const rerun = await readWholeStream(readOnlyStore(store), experimentStreamId(rerunExperimentId));
  const withoutWallReason = (ds: Decision[]): Decision[] =>
    wallStopped
      ? ds.map((d) => (d.type === 'ExperimentCompleted' ? { ...d, value: { ...d.value, reason: null } } : d))
      : ds;
  const a = withoutWallReason(decisionsOf(original));
  const firstDivergence = compareDecisions(a, withoutWallReason(decisionsOf(rerun)), options.tolerance ?? 0);
  return {
    experimentId,
    rerunExperimentId,
    identical: firstDivergence === null,
    decisionsCompared: a.length,
    unrecordedRequests: recorded.misses(),
    firstDivergence,
  };
};
