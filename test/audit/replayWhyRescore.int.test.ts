// Replay (read-only, --until), "why this candidate" and re-scoring against a real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseReplayUntil,
  readOnlyStore,
  replayExperiment,
  rescoreExperiment,
  syntheticExperiment,
  whyCandidate,
} from '../../src/audit/index.js';
import type { RescoreEvaluator } from '../../src/audit/index.js';
import { dominates } from '../../src/experiment/index.js';
import type { RecordedEvent } from '../../src/store/index.js';
import type { TamperableStore } from './storeFixtures.js';
import { sqliteFixture } from './storeFixtures.js';

const experimentId = 'bbbbbbbb-2222-4333-8444-555555555555';
const streamId = `experiment-${experimentId}`;

describe('replay, why and rescore', () => {
  let fx: TamperableStore;
  let stored: RecordedEvent[];

  beforeEach(async () => {
    fx = await sqliteFixture();
    const { events } = syntheticExperiment({ experimentId, candidates: 20, candidateFor: (i) => ({ size: i + 1 }) });
    await fx.store.append(streamId, events, 'no_stream');
    stored = await fx.store.readStream(streamId);
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('rebuilds counts, leaderboard, Pareto front and timeline from the events alone', async () => {
    const result = await replayExperiment(readOnlyStore(fx.store), experimentId);
    expect(result.status).toBe('completed');
    expect(result.counts).toMatchObject({
      events: stored.length,
      proposed: 20,
      pruned: 5,
      trained: 15,
      rewarded: 20,
      policyUpdates: 4,
    });
    expect(result.leaderboard[0]?.accuracy).toBe(result.bestAccuracy);
    // The front: exactly the feasible trained candidates that no other one dominates (accuracy, LUTs, img/s).
    const point = (c: (typeof result.candidates)[number]) => ({
      candidateId: c.candidateId,
      index: c.index,
      accuracy: c.accuracy ?? 0,
      luts: c.luts ?? 0,
      throughputFps: c.throughputFps ?? 0,
    });
    const trained = result.candidates.filter((c) => c.status === 'trained' && c.feasible === true).map(point);
    const onFront = new Set(result.paretoFront.map((c) => c.candidateId));
    expect(onFront.size).toBeGreaterThan(0);
    for (const p of trained) expect(onFront.has(p.candidateId)).toBe(!trained.some((q) => dominates(q, p)));
    const completed = stored.find((e) => e.type === 'ExperimentCompleted')?.data as { bestCandidateId: string };
    expect(result.leaderboard[0]?.candidateId).toBe(completed.bestCandidateId);
    expect(result.timeline).toHaveLength(20);
  });

  it('stops at the --until position and reports what the search knew then', async () => {
    const cut = stored[30];
    if (cut === undefined) throw new Error('too few events');
    const result = await replayExperiment(fx.store, experimentId, { until: parseReplayUntil(String(cut.position)) });
    expect(result.asOf.position).toBe(cut.position);
    expect(result.counts.events).toBe(31);
    expect(result.status).toBe('running');
  });

  it('accepts an ISO time for --until and rejects anything else with BAD_USER_INPUT', async () => {
    const before = await replayExperiment(fx.store, experimentId, { until: parseReplayUntil('2000-01-01T00:00:00Z') });
    expect(before.counts.events).toBe(0);
    expect(() => parseReplayUntil('yesterday')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('gives replay a store view without append, so it cannot write', () => {
    const view = readOnlyStore(fx.store);
    expect('append' in view).toBe(false);
    expect(Object.isFrozen(view)).toBe(true);
  });

  it('explains a candidate by its causation chain back to ExperimentStarted with log-probs and rewards', async () => {
    const result = await whyCandidate(fx.store, `${experimentId.slice(0, 8)}-c7`);
    expect(result.experimentId).toBe(experimentId);
    const types = result.chain.map((s) => s.type);
    expect(types[0]).toBe('RewardAssigned');
    expect(types[types.length - 1]).toBe('ExperimentStarted');
    expect(types).toContain('CandidateProposed');
    expect(types).toContain('PolicyUpdated');
    const proposal = result.chain.find(
      (s) => s.type === 'CandidateProposed' && s.candidateId === `${experimentId.slice(0, 8)}-c7`,
    );
    expect(proposal?.details.logProbs).toHaveLength(3);
    expect(result.chain.every((s, i) => i === 0 || s.linkedBy === 'causation')).toBe(true);
    expect(result.priorRewards).toHaveLength(7);
  });

  it('re-scores trained candidates under a new LUT budget into a new stream and leaves the original alone', async () => {
    const evaluate: RescoreEvaluator = (candidate, constraints) => {
      const luts = Number(candidate.size) * 1000;
      const feasible = constraints.maxLuts === undefined || luts <= constraints.maxLuts;
      return {
        luts,
        throughputFps: 1000,
        latencyMs: 1,
        feasible,
        violations: feasible ? [] : [{ constraint: 'maxLuts', limit: constraints.maxLuts ?? 0, actual: luts }],
      };
    };
    const head = await fx.store.headPosition();
    const result = await rescoreExperiment(
      fx.store,
      experimentId,
      { device: 'test', maxLuts: 10_000 },
      { evaluate, rescoringId: 'r1' },
    );
    expect(result.candidates).toHaveLength(15);
    expect(result.feasible.every((c) => c.luts <= 10_000)).toBe(true);
    const bestExpected = [...result.feasible].sort((a, b) => b.accuracy - a.accuracy)[0];
    expect(result.best?.candidateId).toBe(bestExpected?.candidateId);
    const recorded = await fx.store.readStream('rescoring-r1');
    expect(recorded.map((e) => e.type)).toEqual([
      'RescoreStarted',
      ...result.candidates.map(() => 'CandidateRescored'),
      'RescoreCompleted',
    ]);
    expect(await fx.store.readStream(streamId)).toEqual(stored);
    expect(await fx.store.headPosition()).toBe(head + recorded.length);
  });
});
