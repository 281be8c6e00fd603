// The fidelity table of a study, from the event log alone: per fidelity experiment, each design's score (proxy
// CandidateTrained.accuracy, or its zero-cost score) and wall seconds, ranked against the reference (last) experiment.
import { CosearchError } from '../errors.js';
import { asExperimentEvent, experimentStreamId } from '../events/index.js';
import type { EventStore } from '../store/index.js';
import { canonicalJson } from './deps.js';
import { bootstrapInterval } from './bootstrap.js';
import { kendallTauB, spearmanRho } from './rankCorrelation.js';

/** One row of the table: a fidelity, how well it ranks the designs like the reference, and what it costs. */
export interface FidelityRow {
  /** The fidelity's experiment (the first shard's when its panel was split). */
  experimentId: string;
  /** Every experiment of the fidelity: one, or one per shard of the panel. */
  experimentIds: string[];
  /** The experiment's name (`<study name>: <fidelity>`). */
  name: string;
  /** The zero-cost score it records, when it is one. */
  zeroCost?: string;
  /** Training epochs and images of its runs (0 epochs for a zero-cost score), from its TrainingStarted events. */
  epochs: number;
  trainImages: number;
  /** Designs scored by both this fidelity and the reference: the pairs ρ and τ are computed over. */
  pairs: number;
  /** Spearman's ρ and Kendall's τ-b against the reference accuracies; null below 2 pairs or for a constant column. */
  spearman: number | null;
  kendallTauB: number | null;
  /**
   * 90 % percentile-bootstrap interval of τ-b over the paired designs (1,000 resamples, seed 1): the spread another
   * panel of this size could give. Null below 3 pairs.
   */
  kendallTauB90: [number, number] | null;
  /** Σ CandidateTrained.trainSeconds over the paired designs. */
  trainSeconds: number;
  /** trainSeconds ÷ the reference's over the same designs; null when the reference's is 0. */
  costFraction: number | null;
  /** The experiment's status: a running one has fewer pairs than the panel. */
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'missing';
}

export interface FidelityTable {
  /** Experiment id of the reference fidelity (the last one). */
  reference: string;
  rows: FidelityRow[];
}

interface Scored {
  score: number;
  trainSeconds: number;
}

interface ExperimentScores {
  name: string;
  status: FidelityRow['status'];
  zeroCost?: string;
  epochs: number;
  trainImages: number;
  /** By the design's canonical JSON (as trained: folded), so experiments pair up whatever their candidate ids. */
  byDesign: Map<string, Scored>;
}

/** Folds one fidelity experiment's stream into its per-design scores. Only proxy trainings count (no rung, no final). */
export const readExperimentScores = async (store: EventStore, experimentId: string): Promise<ExperimentScores> => {
  const events = await store.readStream(experimentStreamId(experimentId));
  const designOf = new Map<string, string>();
  const out: ExperimentScores = {
    name: experimentId,
    status: events.length === 0 ? 'missing' : 'running',
    epochs: 0,
    trainImages: 0,
    byDesign: new Map(),
  };
  for (const recorded of events) {
    const event = asExperimentEvent(recorded);
    if (event === undefined) continue;
    const data = event.data as Record<string, unknown>;
    const isProxy = data.rung === undefined && data.final !== true;
    switch (event.type) {
      case 'ExperimentStarted':
        out.name = event.data.name;
        break;
      case 'CandidateProposed':
        designOf.set(event.data.candidateId, canonicalJson(event.data.candidate));
        break;
      case 'HardwareEvaluated': {
        const folded = data.foldedCandidate;
        if (typeof folded === 'object' && folded !== null) designOf.set(event.data.candidateId, canonicalJson(folded));
        break;
      }
      case 'TrainingStarted':
        if (isProxy) {
          out.epochs = event.data.epochs;
          out.trainImages = event.data.trainImages;
        }
        break;
      case 'CandidateTrained': {
        const design = designOf.get(event.data.candidateId);
        if (!isProxy || design === undefined) break;
        if (typeof event.data.zeroCost === 'string') out.zeroCost = event.data.zeroCost;
        out.byDesign.set(design, { score: event.data.accuracy, trainSeconds: event.data.trainSeconds });
        break;
      }
      case 'ExperimentCompleted':
        out.status = 'completed';
        break;
      case 'ExperimentFailed':
        out.status = 'failed';
        break;
      case 'ExperimentCancelled':
        out.status = 'cancelled';
        break;
      default:
        break;
    }
  }
  return out;
};

/** A fidelity of the table: one experiment, or the experiments of its panel's shards (scores pooled, in order). */
export type FidelityExperiments = string | readonly string[];

const SHARD_TAG = / \[shard \d+\/\d+\]$/;

/** Status of a fidelity split into shards: completed only when every shard is; a failure or cancel shows through. */
const pooledStatus = (statuses: ReadonlyArray<FidelityRow['status']>): FidelityRow['status'] => {
  for (const s of ['failed', 'cancelled'] as const) if (statuses.includes(s)) return s;
  if (statuses.every((s) => s === 'completed')) return 'completed';
  return statuses.every((s) => s === 'missing') ? 'missing' : 'running';
};

/** Pools the scores of one fidelity's experiments (its shards): the union of their designs, the name without the shard tag. */
const readFidelityScores = async (store: EventStore, experimentIds: readonly string[]): Promise<ExperimentScores> => {
  const parts = await Promise.all(experimentIds.map((id) => readExperimentScores(store, id)));
  const [first] = parts;
  if (first === undefined || parts.length === 1)
    return first ?? { name: '', status: 'missing', epochs: 0, trainImages: 0, byDesign: new Map() };
  const started = parts.find((p) => p.status !== 'missing') ?? first;
  const zeroCost = parts.find((p) => p.zeroCost !== undefined)?.zeroCost;
  return {
    name: started.name.replace(SHARD_TAG, ''),
    status: pooledStatus(parts.map((p) => p.status)),
    epochs: started.epochs,
    trainImages: started.trainImages,
    ...(zeroCost === undefined ? {} : { zeroCost }),
    byDesign: new Map(parts.flatMap((p) => [...p.byDesign])),
  };
};

/**
 * The table of a study's fidelities (the reference last), recomputed from their events alone: each fidelity's
 * scores against the reference accuracies over the designs both scored, and its cost as a fraction of the
 * reference's training seconds over the same designs. A fidelity given as several experiments (the shards of its
 * panel) pools their designs.
 */
export const fidelityTable = async (
  store: EventStore,
  fidelities: readonly FidelityExperiments[],
): Promise<FidelityTable> => {
  const groups = fidelities.map((f): readonly string[] => (typeof f === 'string' ? [f] : f));
  const refIds = groups[groups.length - 1];
  const reference = refIds?.[0];
  if (refIds === undefined || reference === undefined)
    throw new CosearchError(
      'BAD_USER_INPUT',
      'expected at least one experiment id (the reference fidelity last), but got none',
    );
  const ref = await readFidelityScores(store, refIds);
  const rows: FidelityRow[] = [];
  for (const ids of groups) {
    const experimentId = ids[0];
    if (experimentId === undefined)
      throw new CosearchError(
        'BAD_USER_INPUT',
        'expected each fidelity to name at least one experiment, but one names none',
      );
    const e = ids === refIds ? ref : await readFidelityScores(store, ids);
    const x: number[] = [];
    const y: number[] = [];
    let seconds = 0;
    let refSeconds = 0;
    for (const [design, r] of ref.byDesign) {
      const s = e.byDesign.get(design);
      if (s === undefined) continue;
      x.push(s.score);
      y.push(r.score);
      seconds += s.trainSeconds;
      refSeconds += r.trainSeconds;
    }
    rows.push({
      experimentId,
      experimentIds: [...ids],
      name: e.name,
      ...(e.zeroCost === undefined ? {} : { zeroCost: e.zeroCost }),
      epochs: e.epochs,
      trainImages: e.trainImages,
      pairs: x.length,
      spearman: x.length < 2 ? null : spearmanRho(x, y),
      kendallTauB: x.length < 2 ? null : kendallTauB(x, y),
      kendallTauB90: bootstrapInterval(x, y, kendallTauB),
      trainSeconds: seconds,
      costFraction: refSeconds > 0 ? seconds / refSeconds : null,
      status: e.status,
    });
  }
  return { reference, rows };
};

const fixed = (v: number | null, digits: number): string => (v === null ? '–' : v.toFixed(digits));

/** The table as aligned text, one row per fidelity. */
export const formatFidelityTable = (table: FidelityTable): string => {
  const header = [
    'fidelity',
    'kind',
    'designs',
    'spearman ρ',
    'kendall τ-b',
    'τ-b 90 % CI',
    'train s',
    'cost vs ref',
    'status',
  ];
  const body = table.rows.map((r) => [
    r.name,
    r.zeroCost ?? `${r.epochs} ep × ${r.trainImages} img`,
    String(r.pairs),
    fixed(r.spearman, 3),
    fixed(r.kendallTauB, 3),
    r.kendallTauB90 === null ? '–' : `${r.kendallTauB90[0].toFixed(2)}–${r.kendallTauB90[1].toFixed(2)}`,
    r.trainSeconds.toFixed(1),
    r.costFraction === null ? '–' : `${(r.costFraction * 100).toFixed(2)} %`,
    r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
};
