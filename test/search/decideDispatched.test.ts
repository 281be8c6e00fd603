// The decider of dispatch 'workers' as given/when/then: it requests trainings instead of running them, keeps filling
// the episode while workers train, folds results oldest request first, and sends every final training out at once.
import { describe, expect, it } from 'vitest';
import { decideNext, evolve, initialState, parseExperimentConfig } from '../../src/search/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

const config = parseExperimentConfig({
  dispatch: 'workers',
  controller: { kind: 'random', childrenPerEpisode: 3 },
  budget: { maxCandidates: 3 },
  finalTraining: { topK: 2, epochs: 2 },
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
const started = () => recorded('ExperimentStarted', { name: 'n', config, seed: 1 });
const proposed = (index: number) =>
  recorded('CandidateProposed', {
    candidateId: `c${index}`,
    index,
    candidate: {},
    actions: [0],
    logProbs: [0],
    rng: { seed: 1, position: index },
    controller: 'random',
  });
const hardware = (index: number, feasible: boolean) =>
  recorded('HardwareEvaluated', {
    candidateId: `c${index}`,
    device: 'd',
    luts: 10,
    throughputFps: 5,
    latencyMs: 1,
    feasible,
    layers: [],
    violations: feasible ? [] : [{ constraint: 'luts', limit: 5, actual: 10 }],
  });
const requested = (index: number, kind = 'proxy') =>
  recorded('TrainingRequested', {
    candidateId: `c${index}`,
    jobId: `x-${kind}-${index}`,
    kind,
    candidate: {},
    options: { epochs: 1, batchSize: 8, learningRate: 0.01, seed: index },
    ...(kind === 'final' ? { final: true } : {}),
  });
const trained = (index: number, accuracy: number, kind = 'proxy') =>
  recorded('CandidateTrained', {
    candidateId: `c${index}`,
    accuracy,
    epochs: 1,
    trainSeconds: 0,
    backend: 'oracle',
    jobId: `x-${kind}-${index}`,
    workerId: 'w1',
    ...(kind === 'final' ? { final: true } : {}),
  });
const reward = (index: number, value: number) =>
  recorded('RewardAssigned', { candidateId: `c${index}`, reward: value, reason: 'r' });

describe("decideNext with dispatch 'workers'", () => {
  it('requests the training of a feasible candidate instead of training it', () => {
    expect(decideNext(given(started(), proposed(0), hardware(0, true)), config, 0)).toMatchObject({
      type: 'RequestTraining',
      final: false,
      candidate: { index: 0 },
    });
  });

  it('proposes the next child of the episode while an earlier one is out with a worker', () => {
    expect(decideNext(given(started(), proposed(0), hardware(0, true), requested(0)), config, 0)).toEqual({
      type: 'ProposeCandidate',
      index: 1,
    });
  });

  it('does not reward an infeasible candidate ahead of an earlier one still training', () => {
    const state = given(
      started(),
      proposed(0),
      hardware(0, true),
      requested(0),
      proposed(1),
      hardware(1, false),
      proposed(2),
      hardware(2, true),
    );
    expect(decideNext(state, config, 0)).toMatchObject({ type: 'RequestTraining', candidate: { index: 2 } });
    const full = given(
      started(),
      proposed(0),
      hardware(0, true),
      requested(0),
      proposed(1),
      hardware(1, false),
      proposed(2),
      hardware(2, true),
      requested(2),
    );
    expect(decideNext(full, config, 0)).toMatchObject({ type: 'AwaitTraining', job: { jobId: 'x-proxy-0' } });
  });

  it('waits for the oldest request first, then rewards in proposal order, then updates the policy', () => {
    const base = [
      started(),
      proposed(0),
      hardware(0, true),
      requested(0),
      proposed(1),
      hardware(1, false),
      proposed(2),
      hardware(2, true),
      requested(2),
    ];
    expect(decideNext(given(...base, trained(0, 0.5)), config, 0)).toMatchObject({
      type: 'AssignReward',
      candidate: { index: 0 },
    });
    expect(decideNext(given(...base, trained(0, 0.5), reward(0, 0.5)), config, 0)).toMatchObject({
      type: 'AssignReward',
      candidate: { index: 1 },
    });
    expect(decideNext(given(...base, trained(0, 0.5), reward(0, 0.5), reward(1, -0.6)), config, 0)).toMatchObject({
      type: 'AwaitTraining',
      job: { jobId: 'x-proxy-2' },
    });
    const all = [...base, trained(0, 0.5), reward(0, 0.5), reward(1, -0.6), trained(2, 0.7), reward(2, 0.7)];
    expect(decideNext(given(...all), config, 0)).toMatchObject({ type: 'UpdatePolicy', step: 0 });
  });

  it('sends every final training out at once and completes only when their results are folded', () => {
    const base = [
      started(),
      proposed(0),
      hardware(0, true),
      requested(0),
      proposed(1),
      hardware(1, false),
      proposed(2),
      hardware(2, true),
      requested(2),
      trained(0, 0.5),
      reward(0, 0.5),
      reward(1, -0.6),
      trained(2, 0.7),
      reward(2, 0.7),
      recorded('PolicyUpdated', { step: 0, baseline: 0 }),
    ];
    expect(decideNext(given(...base), config, 0)).toMatchObject({
      type: 'RequestTraining',
      final: true,
      candidate: { index: 2 },
    });
    expect(decideNext(given(...base, requested(2, 'final')), config, 0)).toMatchObject({
      type: 'RequestTraining',
      final: true,
      candidate: { index: 0 },
    });
    const both = [...base, requested(2, 'final'), requested(0, 'final')];
    expect(decideNext(given(...both), config, 0)).toMatchObject({ type: 'AwaitTraining', job: { jobId: 'x-final-2' } });
    expect(decideNext(given(...both, trained(2, 0.8, 'final')), config, 0)).toMatchObject({
      type: 'AwaitTraining',
      job: { jobId: 'x-final-0' },
    });
    expect(decideNext(given(...both, trained(2, 0.8, 'final'), trained(0, 0.6, 'final')), config, 0)).toMatchObject({
      type: 'CompleteExperiment',
    });
  });

  it('counts proxy trainings out with the workers against budget.maxTrained', () => {
    const capped = parseExperimentConfig({
      dispatch: 'workers',
      controller: { kind: 'random', childrenPerEpisode: 5 },
      budget: { maxCandidates: 5, maxTrained: 2 },
    });
    const state = given(
      recorded('ExperimentStarted', { name: 'n', config: capped, seed: 1 }),
      proposed(0),
      hardware(0, true),
      requested(0),
      proposed(1),
      hardware(1, true),
      requested(1),
    );
    expect(decideNext(state, capped, 0)).toMatchObject({ type: 'AwaitTraining', job: { jobId: 'x-proxy-0' } });
  });

  describe('episodesAhead', () => {
    const pipelined = parseExperimentConfig({
      dispatch: 'workers',
      controller: { kind: 'random', childrenPerEpisode: 3 },
      budget: { maxCandidates: 12 },
      episodesAhead: 1,
    });
    const synchronous = { ...pipelined, episodesAhead: 0 };
    const startedWith = (c: typeof pipelined) => recorded('ExperimentStarted', { name: 'n', config: c, seed: 1 });
    // Episode 0: one feasible child out with a worker, two infeasible ones that wait for its reward.
    const episode0 = [proposed(0), hardware(0, true), requested(0), proposed(1), hardware(1, false)];
    const full0 = [...episode0, proposed(2), hardware(2, false)];

    it('waits for the episode with 0, and proposes the next episode with 1 while a training is out', () => {
      expect(decideNext(given(startedWith(synchronous), ...full0), synchronous, 0)).toMatchObject({
        type: 'AwaitTraining',
        job: { jobId: 'x-proxy-0' },
      });
      expect(decideNext(given(startedWith(pipelined), ...full0), pipelined, 0)).toEqual({
        type: 'ProposeCandidate',
        index: 3,
      });
    });

    it('goes no further than one episode past the last policy update', () => {
      const ahead = [...full0, proposed(3), hardware(3, true), requested(3), proposed(4), hardware(4, false)];
      expect(decideNext(given(startedWith(pipelined), ...ahead), pipelined, 0)).toEqual({
        type: 'ProposeCandidate',
        index: 5,
      });
      const two = [...ahead, proposed(5), hardware(5, false)];
      expect(decideNext(given(startedWith(pipelined), ...two), pipelined, 0)).toMatchObject({
        type: 'AwaitTraining',
        job: { jobId: 'x-proxy-0' },
      });
    });

    it('learns from a rewarded episode while the next one still trains, then proposes again', () => {
      const ahead = [...full0, proposed(3), hardware(3, true), requested(3), proposed(4), hardware(4, false)];
      const rewarded = [
        ...ahead,
        proposed(5),
        hardware(5, false),
        trained(0, 0.5),
        reward(0, 0.5),
        reward(1, -0.6),
        reward(2, -0.6),
      ];
      expect(decideNext(given(startedWith(pipelined), ...rewarded), pipelined, 0)).toMatchObject({
        type: 'UpdatePolicy',
        step: 0,
        children: [{ index: 0 }, { index: 1 }, { index: 2 }],
      });
      const learned = [...rewarded, recorded('PolicyUpdated', { step: 0, baseline: 0 })];
      expect(decideNext(given(startedWith(pipelined), ...learned), pipelined, 0)).toEqual({
        type: 'ProposeCandidate',
        index: 6,
      });
      // The synchronous rule on the same log: nothing new while candidate 3 trains.
      expect(decideNext(given(startedWith(synchronous), ...learned), synchronous, 0)).toMatchObject({
        type: 'AwaitTraining',
        job: { jobId: 'x-proxy-3' },
      });
    });

    it('promotes while a training is out, where the synchronous rule waits for it', () => {
      const withRungs = { ...pipelined, multiFidelity: { reduction: 2, rungs: [{ epochs: 2 }] } };
      const waiting = { ...withRungs, episodesAhead: 0 };
      const events = [
        proposed(0),
        hardware(0, true),
        requested(0),
        trained(0, 0.5),
        reward(0, 0.5),
        proposed(1),
        hardware(1, true),
        requested(1),
        trained(1, 0.7),
        reward(1, 0.7),
        proposed(2),
        hardware(2, true),
        requested(2),
      ];
      expect(decideNext(given(startedWith(withRungs), ...events), withRungs, 0)).toMatchObject({
        type: 'PromoteCandidate',
        promotion: { candidate: { index: 1 }, fromRung: 0, toRung: 1 },
      });
      expect(decideNext(given(startedWith(waiting), ...events), waiting, 0)).toMatchObject({
        type: 'AwaitTraining',
        job: { jobId: 'x-proxy-2' },
      });
    });

    it('stops proposing ahead at the budget and drains the trainings still out', () => {
      const capped = { ...pipelined, budget: { ...pipelined.budget, maxCandidates: 3 } };
      expect(decideNext(given(startedWith(capped), ...full0), capped, 0)).toMatchObject({
        type: 'AwaitTraining',
        job: { jobId: 'x-proxy-0' },
      });
    });
  });
});
