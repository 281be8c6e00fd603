// The loop's decider as given/when/then: given folded events, decideNext returns the one next command.
import { describe, expect, it } from 'vitest';
import { decideNext, evolve, initialState, parseExperimentConfig, rewardOf } from '../../src/search/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

const config = parseExperimentConfig({
  controller: { kind: 'random', childrenPerEpisode: 2 },
  budget: { maxCandidates: 2 },
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

describe('decideNext', () => {
  it('proposes candidate 0 right after ExperimentStarted', () => {
    expect(decideNext(given(recorded('ExperimentStarted', { name: 'n', config, seed: 1 })), config, 0)).toEqual({
      type: 'ProposeCandidate',
      index: 0,
    });
  });

  it('evaluates the hardware of a proposed candidate before anything else', () => {
    const state = given(recorded('ExperimentStarted', { name: 'n', config, seed: 1 }), proposed(0));
    expect(decideNext(state, config, 0)).toMatchObject({ type: 'EvaluateHardware', candidate: { index: 0 } });
  });

  it('assigns the penalty to an infeasible candidate without training it', () => {
    const state = given(recorded('ExperimentStarted', { name: 'n', config, seed: 1 }), proposed(0), hardware(0, false));
    const command = decideNext(state, config, 0);
    expect(command).toMatchObject({ type: 'AssignReward' });
    expect(rewardOf(state.candidates[0]!, config).reward).toBeCloseTo(-(0.1 + 0.5 * 1));
  });

  it('trains a feasible candidate, then updates the policy after a full episode, then completes at the budget', () => {
    const start = [recorded('ExperimentStarted', { name: 'n', config, seed: 1 }), proposed(0), hardware(0, true)];
    expect(decideNext(given(...start), config, 0)).toMatchObject({ type: 'TrainCandidate', final: false });
    const episode = [
      ...start,
      recorded('CandidateTrained', { candidateId: 'c0', accuracy: 0.5, epochs: 1, trainSeconds: 0, backend: 'oracle' }),
      recorded('RewardAssigned', { candidateId: 'c0', reward: 0.5, reason: 'r' }),
      proposed(1),
      hardware(1, false),
      recorded('RewardAssigned', { candidateId: 'c1', reward: -0.6, reason: 'r' }),
    ];
    expect(decideNext(given(...episode), config, 0)).toMatchObject({ type: 'UpdatePolicy', step: 0 });
    const updated = [...episode, recorded('PolicyUpdated', { step: 0, baseline: 0 })];
    expect(decideNext(given(...updated), config, 0)).toMatchObject({
      type: 'CompleteExperiment',
      reason: expect.stringMatching(/max candidates/),
    });
  });

  it('stops when the experiment was cancelled', () => {
    const state = given(
      recorded('ExperimentStarted', { name: 'n', config, seed: 1 }),
      recorded('ExperimentCancelled', { reason: 'user' }),
    );
    expect(decideNext(state, config, 0)).toEqual({ type: 'Stop', status: 'cancelled' });
  });

  describe('weighted objective (MnasNet soft constraint)', () => {
    const trainedAt = (luts: number, fps: number, accuracy: number) =>
      given(
        recorded('ExperimentStarted', { name: 'n', config, seed: 1 }),
        proposed(0),
        recorded('HardwareEvaluated', {
          candidateId: 'c0',
          device: 'd',
          luts,
          throughputFps: fps,
          latencyMs: 1,
          feasible: true,
          layers: [],
          violations: [],
        }),
        recorded('CandidateTrained', { candidateId: 'c0', accuracy, epochs: 1, trainSeconds: 0, backend: 'oracle' }),
      ).candidates[0]!;
    const weighted = parseExperimentConfig({
      objective: 'weighted',
      device: { preset: '30k', maxLuts: 20_000, minFps: 1000 },
      objectiveWeights: { luts: -0.1, throughput: 0.05 },
    });

    it('scales accuracy by (LUTs/budget)^wL · (fps/target)^wF', () => {
      const { reward, reason } = rewardOf(trainedAt(10_000, 2000, 0.8), weighted);
      expect(reward).toBeCloseTo(0.8 * 0.5 ** -0.1 * 2 ** 0.05, 10);
      expect(reason).toMatch(/weighted: accuracy 0\.8000 × \(LUTs 10000\/20000\)\^-0\.1/);
    });

    it('prefers the smaller of two equally accurate feasible designs, unlike the accuracy objective', () => {
      const small = trainedAt(8_000, 1000, 0.7);
      const large = trainedAt(19_000, 1000, 0.7);
      expect(rewardOf(small, weighted).reward).toBeGreaterThan(rewardOf(large, weighted).reward);
      expect(rewardOf(small, config).reward).toBe(rewardOf(large, config).reward);
    });

    it("uses the preset's LUT budget without maxLuts, and ignores throughput without minFps", () => {
      const preset = parseExperimentConfig({ objective: 'weighted', device: { preset: '30k' } });
      expect(preset.objectiveWeights).toEqual({ luts: -0.07, throughput: 0 });
      expect(rewardOf(trainedAt(15_000, 5, 0.6), preset).reward).toBeCloseTo(0.6 * 0.5 ** -0.07, 10);
    });

    it('rejects a positive LUT exponent with a message naming the field', () => {
      expect(() => parseExperimentConfig({ objective: 'weighted', objectiveWeights: { luts: 0.2 } })).toThrow(
        /objectiveWeights\.luts/,
      );
    });
  });
});
