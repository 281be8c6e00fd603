// Every reader of an experiment stream agrees: for random valid streams (float designs, pruned ones, multi-fidelity
// rungs, final runs, trainings left open, failed, cancelled, resumed and running experiments), the search's state
// and summary (what the CLI prints), the API's progress, the read models after a live catch-up and after a bulk
// rebuild (real SQLite file), and replay all give the same counts, best candidate and Pareto front, and these are
// the ones the plan of the stream says they must be.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressOf, evolveProgress, initialProgress } from '../../src/api/progress.js';
import { replayEvents } from '../../src/audit/index.js';
import { derivedEventId, experimentStreamId, newEvent } from '../../src/events/index.js';
import type { EventToAppend } from '../../src/store/index.js';
import {
  accuracyValueOf,
  bestOf,
  candidateStatusOf,
  countsOf,
  evolve,
  foldStream,
  initialState,
  paretoFront,
  paretoOf,
  type ParetoPoint,
} from '../../src/experiment/index.js';
import {
  createDefaultProjections,
  createProjectionRunner,
  createReadModelQueries,
} from '../../src/projections/index.js';
import { parseExperimentConfig, summarize } from '../../src/search/index.js';
import { sqliteBackend, type Backend } from '../projections/fixtures.js';

interface CandidatePlan {
  float: boolean;
  feasible: boolean;
  luts: number;
  fps: number;
  /** Proxy accuracy, then one per rung reached; empty: never trained. */
  scores: number[];
  final?: number;
  /** A training started last and left without a result. */
  open: boolean;
}

interface StreamPlan {
  candidates: CandidatePlan[];
  ending: 'completed' | 'failed' | 'cancelled' | 'running';
  /** Candidate index after which an operator resumed the experiment (-1: never). */
  resumedAfter: number;
}

// Few distinct values, so ties on score and on every objective are common.
const score = fc.integer({ min: 1, max: 6 }).map((n) => n / 10);
const candidatePlan: fc.Arbitrary<CandidatePlan> = fc
  .record({
    float: fc.boolean(),
    feasible: fc.boolean(),
    luts: fc.integer({ min: 1, max: 4 }).map((n) => n * 10_000),
    fps: fc.integer({ min: 1, max: 3 }).map((n) => n * 500),
    scores: fc.array(score, { maxLength: 3 }),
    final: fc.option(score, { nil: undefined }),
    open: fc.boolean(),
  })
  .map((c) => (c.final === undefined ? (({ final: _f, ...rest }) => rest)(c) : c));
const streamPlan: fc.Arbitrary<StreamPlan> = fc.record({
  candidates: fc.array(candidatePlan, { maxLength: 12 }),
  ending: fc.constantFrom('completed', 'failed', 'cancelled', 'running'),
  resumedAfter: fc.integer({ min: -1, max: 11 }),
});

/** The events of a plan, in an order the search could have written them. */
const eventsOf = (experimentId: string, plan: StreamPlan): EventToAppend[] => {
  const meta = { correlationId: experimentId, actor: 'test' };
  let n = 0;
  const ev = <T extends Parameters<typeof newEvent>[0]>(
    type: T,
    data: Parameters<typeof newEvent<T>>[1],
  ): EventToAppend => newEvent(type, data, meta, { id: derivedEventId(experimentId, 'prop', n++) });
  const events = [ev('ExperimentStarted', { experimentId, name: 'prop', config: {}, seed: 1 })];
  plan.candidates.forEach((c, index) => {
    const base = { experimentId, candidateId: `${experimentId}-c${index}` };
    events.push(
      ev('CandidateProposed', {
        ...base,
        index,
        candidate: {},
        actions: [],
        logProbs: [],
        rng: { seed: 1, position: index },
        controller: 'prop',
        ...(c.float ? { float: true } : {}),
      }),
    );
    events.push(
      ev('HardwareEvaluated', {
        ...base,
        device: 'test',
        luts: c.luts,
        throughputFps: c.fps,
        latencyMs: 1,
        feasible: c.feasible,
        violations: [],
        layers: [],
        ...(c.float ? { gateIgnored: true } : {}),
      }),
    );
    const trainable = c.float || c.feasible;
    const extra = c.float ? { float: true } : {};
    if (trainable) {
      c.scores.forEach((accuracy, rung) => {
        const r = rung === 0 ? {} : { rung };
        events.push(
          ev('TrainingStarted', { ...base, backend: 'test', epochs: 1, batchSize: 8, trainImages: 10, ...r, ...extra }),
        );
        events.push(
          ev('EpochCompleted', {
            ...base,
            epoch: 1,
            loss: 1,
            trainAccuracy: accuracy,
            imagesPerSec: 1,
            ...r,
            ...extra,
          }),
        );
        events.push(
          ev('CandidateTrained', { ...base, accuracy, epochs: 1, trainSeconds: 1, backend: 'test', ...r, ...extra }),
        );
        if (rung === 0) events.push(ev('RewardAssigned', { ...base, reward: accuracy, reason: 'accuracy' }));
      });
      if (c.final !== undefined && c.scores.length > 0) {
        events.push(
          ev('TrainingStarted', {
            ...base,
            backend: 'test',
            epochs: 3,
            batchSize: 8,
            trainImages: 10,
            final: true,
            ...extra,
          }),
        );
        events.push(
          ev('CandidateTrained', {
            ...base,
            accuracy: c.final,
            epochs: 3,
            trainSeconds: 3,
            backend: 'test',
            final: true,
            ...extra,
          }),
        );
      }
    } else {
      events.push(ev('RewardAssigned', { ...base, reward: -1, reason: 'infeasible' }));
    }
    if (index === plan.resumedAfter) events.push(ev('ExperimentResumed', { experimentId, reason: 'operator' }));
  });
  // A training left running: the proxy of a candidate never trained, else a further rung.
  plan.candidates.forEach((c, index) => {
    if (!c.open || !(c.float || c.feasible)) return;
    const rung = c.scores.length === 0 ? {} : { rung: c.scores.length };
    events.push(
      ev('TrainingStarted', {
        experimentId,
        candidateId: `${experimentId}-c${index}`,
        backend: 'test',
        epochs: 1,
        batchSize: 8,
        trainImages: 10,
        ...rung,
      }),
    );
  });
  if (plan.ending === 'completed')
    events.push(
      ev('ExperimentCompleted', {
        experimentId,
        bestCandidateId: null,
        reason: 'budget',
        proposed: 0,
        pruned: 0,
        trained: 0,
      }),
    );
  if (plan.ending === 'failed')
    events.push(ev('ExperimentFailed', { experimentId, error: { code: 'INTERNAL', message: 'boom' } }));
  if (plan.ending === 'cancelled') events.push(ev('ExperimentCancelled', { experimentId, reason: 'user' }));
  return events;
};

/** What the plan says every reader must show, computed from the plan alone. */
const expectedOf = (experimentId: string, plan: StreamPlan) => {
  const cs = plan.candidates.map((c, index) => {
    const trainable = c.float || c.feasible;
    const trained = trainable && c.scores.length > 0;
    const final = trained && c.final !== undefined;
    return {
      c,
      index,
      id: `${experimentId}-c${index}`,
      trainable,
      trained,
      final,
      score: final ? c.final : c.scores.at(-1),
    };
  });
  const eligible = cs.filter((x) => !x.c.float && x.c.feasible && x.trained);
  let best: (typeof eligible)[number] | undefined;
  for (const x of eligible) if (best === undefined || (x.score ?? 0) > (best.score ?? 0)) best = x;
  const points: ParetoPoint[] = eligible.map((x) => ({
    candidateId: x.id,
    index: x.index,
    accuracy: x.score ?? 0,
    luts: x.c.luts,
    throughputFps: x.c.fps,
  }));
  return {
    counts: {
      proposed: cs.length,
      float: cs.filter((x) => x.c.float).length,
      pruned: cs.filter((x) => !x.c.float && !x.c.feasible).length,
      trained: cs.filter((x) => x.trained).length,
      final: cs.filter((x) => x.final).length,
      failed: plan.ending === 'failed' ? cs.filter((x) => x.trainable && x.c.open).length : 0,
    },
    bestId: best?.id ?? null,
    bestAccuracy: best?.score ?? null,
    front: paretoFront(points).map((p) => p.candidateId),
  };
};

describe('every reader of an experiment stream', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await sqliteBackend();
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('gives the counts, best candidate and Pareto front that the stream says', async () => {
    const config = parseExperimentConfig({});
    // Read models: the first stream is folded in bulk (checkpoint 0), every later one live in batches of 3 events,
    // each batch restoring the experiment row's stored snapshot.
    const runner = createProjectionRunner({
      store: backend.store,
      db: backend.db,
      projections: createDefaultProjections(),
      batchSize: 3,
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(streamPlan, async (plan) => {
        const experimentId = `p${run++}`;
        await backend.store.append(experimentStreamId(experimentId), eventsOf(experimentId, plan), 'no_stream');
        const events = await backend.store.readStream(experimentStreamId(experimentId));
        const want = expectedOf(experimentId, plan);

        // The search's own state, and its summary (what `cosearch search` prints and ExperimentCompleted records).
        const state = foldStream(experimentId, events);
        expect(countsOf(state)).toMatchObject(want.counts);
        expect(bestOf(state)?.candidateId ?? null).toBe(want.bestId);
        expect(paretoOf(state).map((p) => p.candidateId)).toEqual(want.front);
        const summary = summarize(state, config);
        expect(summary).toMatchObject({
          proposed: want.counts.proposed,
          pruned: want.counts.pruned,
          trained: want.counts.trained,
        });
        expect(summary.best?.candidateId ?? null).toBe(want.bestId);
        expect(summary.paretoFront.map((p) => p.candidateId)).toEqual(want.front);

        // The pure evolve, event by event, reaches the same state as the in-place fold.
        const pure = events.reduce(evolve, initialState(experimentId));
        expect(countsOf(pure)).toEqual(countsOf(state));
        expect(bestOf(pure)?.candidateId).toBe(bestOf(state)?.candidateId);

        // The API's progress subscription.
        const progress = progressOf(events.reduce(evolveProgress, initialProgress(experimentId)));
        expect(progress).toMatchObject({
          proposed: want.counts.proposed,
          pruned: want.counts.pruned,
          trained: want.counts.trained,
          bestCandidateId: want.bestId,
          bestAccuracy: want.bestAccuracy,
        });

        // Replay.
        const replay = replayEvents(experimentId, events);
        expect(replay.counts).toMatchObject(want.counts);
        expect(replay.leaderboard[0]?.candidateId ?? null).toBe(want.bestId);
        expect(replay.bestAccuracy).toBe(want.bestAccuracy);
        expect(replay.paretoFront.map((c) => c.candidateId)).toEqual(want.front);
        if (run === 1) await runner.catchUp();
      }),
      { numRuns: 60, seed: 15 },
    );

    const plans = Array.from({ length: run }, (_, i) => i);
    const check = async (label: string): Promise<void> => {
      const q = createReadModelQueries(backend.db);
      for (const i of plans) {
        const experimentId = `p${i}`;
        const events = await backend.store.readStream(experimentStreamId(experimentId));
        const state = foldStream(experimentId, events);
        const counts = countsOf(state);
        const best = bestOf(state);
        const view = await q.getExperiment(experimentId);
        expect(view?.counts, `${label} ${experimentId}`).toEqual({
          proposed: counts.proposed,
          pruned: counts.pruned,
          trained: counts.trained,
          failed: counts.failed,
        });
        expect(view?.bestCandidateId ?? null, `${label} ${experimentId}`).toBe(best?.candidateId ?? null);
        expect(
          (await q.paretoFront(experimentId)).map((c) => c.id),
          `${label} ${experimentId}`,
        ).toEqual(paretoOf(state).map((p) => p.candidateId));
        // The candidates read model: one row per proposal, each with the model's status and accuracy, so its
        // statuses count what the model counts.
        const rows = await backend.db.query(
          'SELECT id, status, accuracy FROM read_candidates WHERE experiment_id = ? ORDER BY idx',
          [experimentId],
        );
        expect(
          rows.map((r) => ({ id: String(r.id), status: String(r.status), accuracy: r.accuracy ?? null })),
          `${label} ${experimentId} candidate rows`,
        ).toEqual(
          state.candidates.map((c) => ({
            id: c.candidateId,
            status: candidateStatusOf(c),
            accuracy: accuracyValueOf(c),
          })),
        );
        const statuses = new Map<string, number>();
        for (const r of rows) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
        expect(
          { failed: statuses.get('failed') ?? 0, training: statuses.get('training') ?? 0 },
          `${label} ${experimentId} statuses`,
        ).toEqual({ failed: counts.failed, training: counts.training });
      }
    };
    await runner.catchUp();
    await check('live');
    await runner.rebuild();
    await check('rebuilt');
  });
});
