// The experiment fold with given / when / then (test/support/spec.ts): the issue-15 disagreement, the pure
// evolve, the snapshot round trip, and a decision read from the folded state.
import { describe, expect, it } from 'vitest';
import { evolveProgress, initialProgress, progressOf } from '../../src/api/progress.js';
import {
  bestOf,
  countsOf,
  evolve,
  foldStream,
  fromSnapshot,
  initialState,
  toSnapshot,
  type SearchState,
} from '../../src/experiment/index.js';
import { decideNext, parseExperimentConfig } from '../../src/search/index.js';
import { recorded, specification } from '../support/spec.js';

const x = 'x';
const base = (i: number) => ({ experimentId: x, candidateId: `c${i}` });
let revision = 0;
const ev = (type: string, data: Record<string, unknown>) => recorded(type, { experimentId: x, ...data }, revision++);
const started = () => {
  revision = 0;
  return ev('ExperimentStarted', { name: 'x', config: {}, seed: 1 });
};
const proposed = (i: number, extra: object = {}) =>
  ev('CandidateProposed', {
    ...base(i),
    index: i,
    candidate: {},
    actions: [],
    logProbs: [],
    rng: { seed: 1, position: i },
    controller: 't',
    ...extra,
  });
const hardware = (i: number, feasible: boolean, extra: object = {}) =>
  ev('HardwareEvaluated', {
    ...base(i),
    device: 'd',
    luts: 1000 * (i + 1),
    throughputFps: 2000,
    latencyMs: 1,
    feasible,
    violations: [],
    layers: [],
    ...extra,
  });
const trained = (i: number, accuracy: number, extra: object = {}) =>
  ev('CandidateTrained', { ...base(i), accuracy, epochs: 1, trainSeconds: 1, backend: 't', ...extra });

const spec = specification<SearchState>((events) => foldStream(x, events));

describe('the experiment fold', () => {
  it('counts a float design apart, never as best or pruned, and a final run not as a second training', () => {
    // The stream of issue 15: separate's float stage 1 (infeasible, trained), one quantized design and its final run.
    const events = [
      started(),
      proposed(0, { float: true }),
      hardware(0, false, { gateIgnored: true }),
      trained(0, 0.9, { float: true }),
      proposed(1),
      hardware(1, true),
      trained(1, 0.6),
      trained(1, 0.65, { final: true }),
    ];
    spec
      .given(...events)
      .when((s) => ({ counts: countsOf(s), best: bestOf(s)?.candidateId }))
      .then({
        counts: { proposed: 2, float: 1, pruned: 0, trained: 2, final: 1, training: 0, failed: 0 },
        best: 'c1',
      });
    expect(progressOf(events.reduce(evolveProgress, initialProgress(x)))).toMatchObject({
      trained: 2,
      pruned: 0,
      bestCandidateId: 'c1',
      bestAccuracy: 0.65,
    });
  });

  it('re-finds the best when the leader scores lower at a higher rung', () => {
    spec
      .given(
        started(),
        proposed(0),
        hardware(0, true),
        trained(0, 0.8),
        proposed(1),
        hardware(1, true),
        trained(1, 0.7),
        trained(0, 0.6, { rung: 1 }),
      )
      .then((s) => expect(bestOf(s)?.candidateId).toBe('c1'));
  });

  it('gives ties to the earlier proposal', () => {
    spec
      .given(
        started(),
        proposed(0),
        hardware(0, true),
        trained(0, 0.5),
        proposed(1),
        hardware(1, true),
        trained(1, 0.5),
      )
      .then((s) => expect(bestOf(s)?.candidateId).toBe('c0'));
  });

  it('marks the trainings running when the experiment failed', () => {
    spec
      .given(
        started(),
        proposed(0),
        hardware(0, true),
        ev('TrainingStarted', { ...base(0), backend: 't', epochs: 1, batchSize: 1, trainImages: 1 }),
        ev('ExperimentFailed', { error: { code: 'INTERNAL', message: 'boom' } }),
      )
      .then((s) => expect(countsOf(s)).toMatchObject({ failed: 1, training: 0 }));
  });

  it('evolve leaves its input as it was', () => {
    const before = foldStream(x, [started(), proposed(0), hardware(0, true)]);
    const copy = structuredClone(toSnapshot(before));
    const after = evolve(before, trained(0, 0.7));
    expect(toSnapshot(before)).toEqual(copy);
    expect(bestOf(before)).toBeUndefined();
    expect(bestOf(after)?.candidateId).toBe('c0');
  });

  it('restores from its snapshot with the same views, and folds on from there', () => {
    const s = foldStream(x, [
      started(),
      proposed(0),
      hardware(0, true),
      trained(0, 0.7),
      proposed(1),
      hardware(1, false),
    ]);
    const restored = fromSnapshot(x, JSON.parse(JSON.stringify(toSnapshot(s))));
    expect(countsOf(restored)).toEqual(countsOf(s));
    expect(bestOf(restored)?.candidateId).toBe('c0');
    expect(bestOf(evolve(restored, trained(0, 0.9, { final: true })))?.candidateId).toBe('c0');
  });

  it('feeds the decider: a started experiment proposes its first candidate', () => {
    const config = parseExperimentConfig({});
    spec
      .given(started())
      .when((s) => decideNext(s, config, 0))
      .then({ type: 'ProposeCandidate', index: 0 });
    expect(initialState(x).status).toBe('new');
  });
});
