// The page's fold of one experiment's events (as the experimentEvents subscription sends them) into what the views
// draw of single events: each candidate's point (hardware and latest score), recent decisions and live epochs.
// The experiment's counts, status and best candidate are not folded here: the page shows the server's, from the
// experimentProgress subscription (src/experiment's model), so it cannot disagree with the search or the API.
// Pure: no DOM. The page skips positions it has already folded, so a replay after a reconnect changes nothing.

import { pct } from './format.js';

export interface EventRecord {
  position: number;
  cursor: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { recordedAt: string };
}

export type PointStatus = 'proposed' | 'pruned' | 'queued' | 'training' | 'trained';

export interface Point {
  id: string;
  index: number;
  status: PointStatus;
  luts?: number;
  throughputFps?: number;
  feasible?: boolean;
  /** The score the model ranks it by: its final training's, else its highest rung's, else its proxy's; 0..1. */
  accuracy?: number;
  /** What `accuracy` came from: -1 none, 0 the proxy, r rung r, Infinity the final training. */
  scoredAt: number;
  testAccuracy?: number;
  float: boolean;
  workerId?: string;
  epochs: Array<{ epoch: number; loss: number; trainAccuracy: number; valAccuracy?: number }>;
}

export interface Decision {
  position: number;
  recordedAt: string;
  text: string;
}

export interface ExperimentModel {
  id: string;
  name: string;
  maxLuts?: number;
  minFps?: number;
  maxCandidates?: number;
  startedAt?: string;
  finishedAt?: string;
  points: Map<string, Point>;
  decisions: Decision[];
  /** Last position folded; the subscription's next cursor. */
  position: number;
  cursor: string | null;
  /** Candidate ids whose training started and has not finished, newest last. */
  training: string[];
}

export const createModel = (id: string): ExperimentModel => ({
  id,
  name: id,
  points: new Map(),
  decisions: [],
  position: 0,
  cursor: null,
  training: [],
});

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const MAX_DECISIONS = 40;

const decide = (model: ExperimentModel, e: EventRecord, text: string): void => {
  model.decisions.push({ position: e.position, recordedAt: e.metadata.recordedAt, text });
  if (model.decisions.length > MAX_DECISIONS) model.decisions.shift();
};

/** Folds one event; returns false when it was folded already (a replayed position). */
export const applyEvent = (model: ExperimentModel, e: EventRecord): boolean => {
  if (e.position <= model.position) return false;
  model.position = e.position;
  model.cursor = e.cursor;
  const d = e.data;
  const candidateId = str(d.candidateId);
  const point = candidateId === undefined ? undefined : model.points.get(candidateId);
  const short = (id: string | undefined): string => (id === undefined ? '?' : `#${model.points.get(id)?.index ?? '?'}`);
  switch (e.type) {
    case 'ExperimentStarted': {
      const config = (d.config ?? {}) as {
        device?: { maxLuts?: unknown; minFps?: unknown };
        budget?: { maxCandidates?: unknown };
      };
      model.name = str(d.name) ?? model.id;
      model.startedAt = e.metadata.recordedAt;
      const maxLuts = num(config.device?.maxLuts);
      const minFps = num(config.device?.minFps);
      const maxCandidates = num(config.budget?.maxCandidates);
      if (maxLuts !== undefined) model.maxLuts = maxLuts;
      if (minFps !== undefined) model.minFps = minFps;
      if (maxCandidates !== undefined) model.maxCandidates = maxCandidates;
      decide(model, e, `started '${model.name}' with seed ${String(d.seed)}`);
      return true;
    }
    case 'CandidateProposed': {
      const id = candidateId ?? `?${e.position}`;
      model.points.set(id, {
        id,
        index: num(d.index) ?? model.points.size,
        status: 'proposed',
        scoredAt: -1,
        float: d.float === true,
        epochs: [],
      });
      decide(model, e, `proposed #${String(d.index)}${str(d.note) === undefined ? '' : ` (${String(d.note)})`}`);
      return true;
    }
    case 'HardwareEvaluated':
      if (point !== undefined) {
        const luts = num(d.luts);
        const fps = num(d.throughputFps);
        if (luts !== undefined) point.luts = luts;
        if (fps !== undefined) point.throughputFps = fps;
        point.feasible = d.feasible === true;
        if (!point.feasible && !point.float) point.status = 'pruned';
        decide(
          model,
          e,
          point.feasible
            ? `${short(candidateId)} fits: ${Math.round(luts ?? 0)} LUTs, ${Math.round(fps ?? 0)} img/s`
            : `${short(candidateId)} pruned: ${Math.round(luts ?? 0)} LUTs, ${Math.round(fps ?? 0)} img/s`,
        );
      }
      return true;
    case 'TrainingRequested':
      if (point !== undefined && point.status === 'proposed') point.status = 'queued';
      return true;
    case 'TrainingStarted':
      if (point !== undefined) {
        point.status = 'training';
        point.epochs = [];
        const worker = str(d.workerId);
        if (worker !== undefined) point.workerId = worker;
        model.training = [...model.training.filter((id) => id !== point.id), point.id];
      }
      return true;
    case 'EpochCompleted':
      point?.epochs.push({
        epoch: num(d.epoch) ?? 0,
        loss: num(d.loss) ?? 0,
        trainAccuracy: num(d.trainAccuracy) ?? 0,
        ...(num(d.valAccuracy) === undefined ? {} : { valAccuracy: num(d.valAccuracy) as number }),
      });
      return true;
    case 'CandidateTrained': {
      if (point === undefined) return true;
      model.training = model.training.filter((id) => id !== point.id);
      point.status = 'trained';
      // A zero-cost score is not an accuracy: it is not plotted as one.
      const accuracy = str(d.zeroCost) === undefined ? num(d.accuracy) : undefined;
      const at = d.final === true ? Number.POSITIVE_INFINITY : (num(d.rung) ?? 0);
      if (accuracy !== undefined && at >= point.scoredAt) {
        point.accuracy = accuracy;
        point.scoredAt = at;
      }
      const test = num(d.testAccuracy);
      if (test !== undefined) point.testAccuracy = test;
      decide(
        model,
        e,
        `${short(candidateId)} trained${d.final === true ? ' (final)' : num(d.rung) === undefined ? '' : ` (rung ${String(d.rung)})`}: ${accuracy === undefined ? `score ${String(d.accuracy)}` : pct(accuracy)}${str(d.workerId) === undefined ? '' : ` by ${String(d.workerId)}`}`,
      );
      return true;
    }
    case 'RewardAssigned':
      decide(model, e, `${short(candidateId)} reward ${(num(d.reward) ?? 0).toFixed(3)}: ${str(d.reason) ?? ''}`);
      return true;
    case 'CandidatePromoted':
      decide(
        model,
        e,
        `${short(candidateId)} promoted to rung ${String(d.toRung)} (rank ${String(d.rank)} of ${String(d.rungSize)})`,
      );
      return true;
    case 'PolicyUpdated':
      decide(model, e, `policy step ${String(d.step)}, baseline ${(num(d.baseline) ?? 0).toFixed(3)}`);
      return true;
    case 'ExperimentCompleted':
    case 'ExperimentFailed':
    case 'ExperimentCancelled':
      model.finishedAt = e.metadata.recordedAt;
      model.training = [];
      decide(
        model,
        e,
        `${e.type.replace('Experiment', '').toLowerCase()}: ${str(d.reason) ?? str((d.error as { message?: unknown } | undefined)?.message) ?? ''}`,
      );
      return true;
    case 'ExperimentResumed':
      delete model.finishedAt;
      decide(model, e, `resumed: ${str(d.reason) ?? ''}`);
      return true;
    default:
      return true;
  }
};
