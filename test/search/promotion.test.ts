// Multi-fidelity promotion as given/when/then: given folded events, the decider promotes the top 1/η of a rung
// (top rungs first, before the policy learns and before new proposals), trains promoted candidates at their rung,
// closes every rung when the search stops, and hands the controller the best fidelity reached, on the proxy's scale.
import { describe, expect, it } from 'vitest';
import {
  decideNext,
  evolve,
  initialState,
  learningAccuracy,
  parseExperimentConfig,
  topK,
} from '../../src/search/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

const config = parseExperimentConfig({
  controller: { kind: 'random', childrenPerEpisode: 6 },
  budget: { maxCandidates: 6 },
  multiFidelity: { reduction: 3, rungs: [{ epochs: 3 }, { epochs: 9, subset: 5000 }] },
});
let revision = 0;
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `${type}-${revision}`,
  streamId: 'experiment-x',
  revision: revision++,
  position: revision,
  type,
  data: { experimentId: 'x', ...data },
  metadata: {
    correlationId: 'x',
    actor: 't',
    schemaVersion: 1,
    recordedAt: '2026-01-01T00:00:00.000Z',
    hash: '',
    prevHash: '',
  },
});
const given = (...events: RecordedEvent[]) => events.reduce((s, e) => evolve(s, e), initialState('x'));
const started = recorded('ExperimentStarted', { name: 'n', config, seed: 1 });
/** Candidate i proposed, feasible (or not), proxy-trained to `accuracy` and rewarded. */
const proxyTrained = (i: number, accuracy: number, feasible = true): RecordedEvent[] => [
  recorded('CandidateProposed', {
    candidateId: `c${i}`,
    index: i,
    candidate: {},
    actions: [0],
    logProbs: [0],
    rng: { seed: 1, position: i },
    controller: 'random',
  }),
  recorded('HardwareEvaluated', {
    candidateId: `c${i}`,
    device: 'd',
    luts: 100 + i,
    throughputFps: 5,
    latencyMs: 1,
    feasible,
    layers: [],
    violations: feasible ? [] : [{ constraint: 'luts', limit: 5, actual: 10 }],
  }),
  ...(feasible
    ? [recorded('CandidateTrained', { candidateId: `c${i}`, accuracy, epochs: 1, trainSeconds: 0, backend: 'fixed' })]
    : []),
  recorded('RewardAssigned', { candidateId: `c${i}`, reward: feasible ? accuracy : -0.5, reason: 'r' }),
];
const promoted = (i: number, fromRung: number, score: number, cutoff: number, rank: number, rungSize: number) =>
  recorded('CandidatePromoted', {
    candidateId: `c${i}`,
    fromRung,
    toRung: fromRung + 1,
    score,
    cutoff,
    rank,
    rungSize,
  });
const rungTrained = (i: number, rung: number, accuracy: number) =>
  recorded('CandidateTrained', { candidateId: `c${i}`, accuracy, epochs: 3, trainSeconds: 0, backend: 'fixed', rung });

describe('multi-fidelity promotion', () => {
  it('proposes until a rung has η finished candidates, then promotes the best with its rank, score and cut-off', () => {
    const two = given(started, ...proxyTrained(0, 0.3), ...proxyTrained(1, 0.5));
    expect(decideNext(two, config, 0)).toEqual({ type: 'ProposeCandidate', index: 2 });
    const three = given(started, ...proxyTrained(0, 0.3), ...proxyTrained(1, 0.5), ...proxyTrained(2, 0.4));
    expect(decideNext(three, config, 0)).toMatchObject({
      type: 'PromoteCandidate',
      promotion: {
        candidate: { candidateId: 'c1' },
        fromRung: 0,
        toRung: 1,
        score: 0.5,
        cutoff: 0.5,
        rank: 1,
        rungSize: 3,
      },
    });
  });

  it('leaves infeasible candidates out of the rung', () => {
    const state = given(started, ...proxyTrained(0, 0.3), ...proxyTrained(1, 0.5, false), ...proxyTrained(2, 0.4));
    expect(decideNext(state, config, 0)).toEqual({ type: 'ProposeCandidate', index: 3 });
  });

  it('trains a promoted candidate at its rung before anything else', () => {
    const state = given(
      started,
      ...proxyTrained(0, 0.3),
      ...proxyTrained(1, 0.5),
      ...proxyTrained(2, 0.4),
      promoted(1, 0, 0.5, 0.5, 1, 3),
    );
    expect(decideNext(state, config, 0)).toMatchObject({
      type: 'TrainCandidate',
      candidate: { candidateId: 'c1' },
      final: false,
      rung: 1,
    });
  });

  it('promotes the next candidate once the rung grows to keep two, and from the top rung first', () => {
    const six = [
      started,
      ...[0.3, 0.5, 0.4, 0.2, 0.45, 0.1].flatMap((a, i) => proxyTrained(i, a)),
      promoted(1, 0, 0.5, 0.5, 1, 3),
      rungTrained(1, 1, 0.6),
    ];
    expect(decideNext(given(...six), config, 0)).toMatchObject({
      type: 'PromoteCandidate',
      promotion: { candidate: { candidateId: 'c4' }, fromRung: 0, rank: 2, rungSize: 6, cutoff: 0.45 },
    });
    const rungOneFull = [
      ...six,
      promoted(4, 0, 0.45, 0.45, 2, 6),
      rungTrained(4, 1, 0.5),
      ...[0.35, 0.15, 0.05].flatMap((a, k) => proxyTrained(6 + k, a)),
    ];
    // Rung 0 has 9 (keeps 3: c1, c4, c2); rung 1 has 2 (keeps 0). c2 is next.
    expect(decideNext(given(...rungOneFull), config, 0)).toMatchObject({
      type: 'PromoteCandidate',
      promotion: { candidate: { candidateId: 'c2' }, fromRung: 0, rank: 3 },
    });
    const withThird = [
      ...rungOneFull,
      promoted(2, 0, 0.4, 0.4, 3, 9),
      rungTrained(2, 1, 0.7),
      ...[0.48, 0.01, 0.02].flatMap((a, k) => proxyTrained(9 + k, a)),
    ];
    // Rung 0 (12 finished, keeps 4) now also waits to promote c9 at 0.48; the top rung goes first.
    // Rung 1 now has 3 finished (c2 0.7, c1 0.6, c4 0.5) and keeps c2 before anything at rung 0.
    expect(decideNext(given(...withThird), config, 0)).toMatchObject({
      type: 'PromoteCandidate',
      promotion: { candidate: { candidateId: 'c2' }, fromRung: 1, toRung: 2, score: 0.7, rank: 1, rungSize: 3 },
    });
  });

  it('promotes an episode child before the policy learns from it', () => {
    const episode = [started, ...[0.3, 0.5, 0.4, 0.2, 0.45, 0.1].flatMap((a, i) => proxyTrained(i, a))];
    expect(decideNext(given(...episode), config, 0)).toMatchObject({ type: 'PromoteCandidate' });
    const done = [
      ...episode,
      promoted(1, 0, 0.5, 0.5, 1, 3),
      rungTrained(1, 1, 0.6),
      promoted(4, 0, 0.45, 0.45, 2, 6),
      rungTrained(4, 1, 0.5),
    ];
    expect(decideNext(given(...done), config, 0)).toMatchObject({ type: 'UpdatePolicy', step: 0 });
  });

  it('closes every rung when the search stops, naming the cut-off, the promoted and the cut, then completes', () => {
    const end = [
      started,
      ...[0.3, 0.5, 0.4, 0.2, 0.45, 0.1].flatMap((a, i) => proxyTrained(i, a)),
      promoted(1, 0, 0.5, 0.5, 1, 3),
      rungTrained(1, 1, 0.6),
      promoted(4, 0, 0.45, 0.45, 2, 6),
      rungTrained(4, 1, 0.5),
      recorded('PolicyUpdated', { step: 0, baseline: 0 }),
    ];
    expect(decideNext(given(...end), config, 0)).toEqual({
      type: 'CloseRung',
      closing: { rung: 0, cutoff: 0.45, promoted: ['c1', 'c4'], cut: ['c2', 'c0', 'c3', 'c5'] },
    });
    const closed0 = [
      ...end,
      recorded('RungClosed', { rung: 0, cutoff: 0.45, promoted: ['c1', 'c4'], cut: ['c2', 'c0', 'c3', 'c5'] }),
    ];
    expect(decideNext(given(...closed0), config, 0)).toEqual({
      type: 'CloseRung',
      closing: { rung: 1, cutoff: null, promoted: [], cut: ['c1', 'c4'] },
    });
    const closed1 = [...closed0, recorded('RungClosed', { rung: 1, cutoff: null, promoted: [], cut: ['c1', 'c4'] })];
    expect(decideNext(given(...closed1), config, 0)).toMatchObject({ type: 'CompleteExperiment' });
  });

  it('ranks the final top-k by the highest rung reached, then its score', () => {
    const state = given(
      started,
      ...[0.3, 0.5, 0.4, 0.2, 0.45, 0.1].flatMap((a, i) => proxyTrained(i, a)),
      promoted(1, 0, 0.5, 0.5, 1, 3),
      rungTrained(1, 1, 0.55),
      promoted(4, 0, 0.45, 0.45, 2, 6),
      rungTrained(4, 1, 0.62),
    );
    expect(topK(state, 4).map((c) => c.candidateId)).toEqual(['c4', 'c1', 'c2', 'c0']);
  });

  it('hands the controller the best rung’s score minus that rung’s mean gain over the proxy', () => {
    const state = given(
      started,
      ...[0.3, 0.5, 0.4].flatMap((a, i) => proxyTrained(i, a)),
      promoted(1, 0, 0.5, 0.5, 1, 3),
      rungTrained(1, 1, 0.7),
      promoted(2, 0, 0.4, 0.4, 2, 3),
      rungTrained(2, 1, 0.5),
    );
    // Gains: c1 +0.2, c2 +0.1, mean 0.15.
    expect(learningAccuracy(state, state.candidates[1]!)).toEqual({ accuracy: expect.closeTo(0.55, 10), rung: 1 });
    expect(learningAccuracy(state, state.candidates[2]!)).toEqual({ accuracy: expect.closeTo(0.35, 10), rung: 1 });
    expect(learningAccuracy(state, state.candidates[0]!)).toEqual({ accuracy: 0.3, rung: 0 });
  });

  it('promotes nothing past the wall-time budget', () => {
    const timed = parseExperimentConfig({ ...config, budget: { maxCandidates: 50, maxWallSeconds: 10 } });
    const state = given(
      recorded('ExperimentStarted', { name: 'n', config: timed, seed: 1 }),
      ...[0.3, 0.5, 0.4].flatMap((a, i) => proxyTrained(i, a)),
    );
    expect(decideNext(state, timed, Date.parse('2026-01-01T00:00:05.000Z'))).toMatchObject({
      type: 'PromoteCandidate',
    });
    expect(decideNext(state, timed, Date.parse('2026-01-01T00:00:11.000Z'))).toMatchObject({
      type: 'CloseRung',
      closing: { rung: 0 },
    });
  });

  it('rejects a multiFidelity config without rungs or with η below 2', () => {
    expect(() => parseExperimentConfig({ multiFidelity: { rungs: [] } })).toThrow(/multiFidelity.rungs/);
    expect(() => parseExperimentConfig({ multiFidelity: { reduction: 1, rungs: [{ epochs: 2 }] } })).toThrow(
      /multiFidelity.reduction/,
    );
  });
});
