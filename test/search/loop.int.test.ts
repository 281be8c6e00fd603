// The event-sourced loop on a real SQLite file with the accuracy oracle: determinism, event order, pruning,
// stop rules and cancel.
import { describe, expect, it } from 'vitest';
import {
  createOracleTrainer,
  runExperiment,
  startExperiment,
  summarize,
  type HardwareEvaluator,
} from '../../src/search/index.js';
import { SpaceError } from '../../src/space/index.js';
import { decisions, fakeHardwareFor, openStore, quickConfig, runOracle, tempStoreUrl } from './fixtures/harness.js';

const proposals = (events: { type: string; data: unknown }[]) =>
  events
    .filter((e) => e.type === 'CandidateProposed')
    .map((e) => JSON.stringify((e.data as { actions: number[] }).actions));

describe('search loop', () => {
  for (const kind of ['rl', 'random', 'evolution', 'separate'] as const) {
    it(`produces the same proposal sequence for the same seed and config (${kind})`, async () => {
      const config = quickConfig({ controller: { kind } as never, budget: { maxCandidates: 12 } });
      const a = await openStore(tempStoreUrl());
      const b = await openStore(tempStoreUrl());
      await runOracle(a, 'same', config);
      await runOracle(b, 'same', config);
      const logA = await a.readStream('experiment-same');
      const logB = await b.readStream('experiment-same');
      expect(proposals(logA)).toHaveLength(12);
      expect(decisions(logA)).toEqual(decisions(logB));
      await a.close();
      await b.close();
    });
  }

  it('proposes different sequences for different seeds', async () => {
    const a = await openStore(tempStoreUrl());
    await runOracle(a, 'one', quickConfig({ seed: 1 }));
    await runOracle(a, 'two', quickConfig({ seed: 2 }));
    expect(proposals(await a.readStream('experiment-one'))).not.toEqual(
      proposals(await a.readStream('experiment-two')),
    );
    await a.close();
  });

  it('never trains an infeasible candidate and gives it a negative reward', async () => {
    const store = await openStore(tempStoreUrl());
    const summary = await runOracle(
      store,
      'tight',
      quickConfig({ device: { preset: 'fake', maxLuts: 3000, minFps: 3000 }, budget: { maxCandidates: 15 } }),
    );
    const log = await store.readStream('experiment-tight');
    const infeasible = new Set(
      log
        .filter((e) => e.type === 'HardwareEvaluated' && !(e.data as { feasible: boolean }).feasible)
        .map((e) => (e.data as { candidateId: string }).candidateId),
    );
    expect(infeasible.size).toBeGreaterThan(0);
    expect(summary.pruned).toBe(infeasible.size);
    for (const e of log) {
      const id = (e.data as { candidateId?: string }).candidateId;
      if (id !== undefined && infeasible.has(id)) {
        expect(['TrainingStarted', 'CandidateTrained']).not.toContain(e.type);
        if (e.type === 'RewardAssigned') expect((e.data as { reward: number }).reward).toBeLessThan(0);
      }
    }
    await store.close();
  });

  /** The fake hardware model, except that its third evaluation throws `error`. */
  const throwingOnThird =
    (error: Error) =>
    (config: Parameters<typeof fakeHardwareFor>[0]): HardwareEvaluator => {
      const inner = fakeHardwareFor(config);
      let calls = 0;
      return {
        device: inner.device,
        evaluate: (c, o) => {
          calls += 1;
          if (calls === 3) throw error;
          return inner.evaluate(c, o);
        },
      };
    };
  const runWith = async (id: string, hardware: ReturnType<typeof throwingOnThird>) => {
    const store = await openStore(tempStoreUrl());
    await startExperiment(store, quickConfig({ budget: { maxCandidates: 6 } }), { experimentId: id });
    await runExperiment({ store, experimentId: id, trainer: createOracleTrainer(), hardware });
    const log = await store.readStream(`experiment-${id}`);
    await store.close();
    return log;
  };

  it('fails the experiment, with the error, when the hardware model has a bug, instead of pruning the design', async () => {
    const log = await runWith(
      'hwbug',
      throwingOnThird(new TypeError("Cannot read properties of undefined (reading 'pe')")),
    );
    const last = log.at(-1);
    expect(last?.type).toBe('ExperimentFailed');
    expect((last?.data as { error: { code: string; message: string } }).error).toEqual({
      code: 'INTERNAL',
      message: "Cannot read properties of undefined (reading 'pe')",
    });
    // Two designs were evaluated; the third never got a HardwareEvaluated, feasible or not.
    expect(log.filter((e) => e.type === 'HardwareEvaluated')).toHaveLength(2);
  });

  it('prunes, as an infeasible "valid design" violation, a design the space rejects', async () => {
    const log = await runWith(
      'spacebad',
      throwingOnThird(new SpaceError('invalid candidate: layers[3].filters: the feature map collapses to 0 px')),
    );
    expect(log.at(-1)?.type).toBe('ExperimentCompleted');
    const third = log.filter((e) => e.type === 'HardwareEvaluated')[2]?.data as {
      feasible: boolean;
      violations: { constraint: string }[];
    };
    expect(third.feasible).toBe(false);
    expect(third.violations.map((v) => v.constraint)).toEqual(['valid design']);
  });

  it('writes every decision before acting on it, each caused by the previous step', async () => {
    const store = await openStore(tempStoreUrl());
    await runOracle(store, 'order', quickConfig({ budget: { maxCandidates: 5 } }));
    const log = await store.readStream('experiment-order');
    const types = log.map((e) => e.type);
    expect(types[0]).toBe('ExperimentStarted');
    expect(types[1]).toBe('CandidateProposed');
    expect(types[2]).toBe('HardwareEvaluated');
    expect(types.at(-1)).toBe('ExperimentCompleted');
    expect(types.filter((t) => t === 'PolicyUpdated')).toHaveLength(1);
    const ids = new Set(log.map((e) => e.id));
    for (const e of log.slice(1)) {
      expect(e.metadata.correlationId).toBe('order');
      expect(ids.has(e.metadata.causationId ?? '')).toBe(true);
    }
    const policy = log.find((e) => e.type === 'PolicyUpdated')?.data as { checkpoint: { policy: { format: string } } };
    expect(policy.checkpoint.policy.format).toBe('cosearch-policy-v1');
    await store.close();
  });

  it('stops at the target accuracy', async () => {
    const store = await openStore(tempStoreUrl());
    const summary = await runOracle(
      store,
      'target',
      quickConfig({ controller: { kind: 'random' }, budget: { maxCandidates: 40, targetAccuracy: 0.5 } }),
    );
    expect(summary.proposed).toBeLessThan(40);
    const done = (await store.readStream('experiment-target')).at(-1);
    expect((done?.data as { reason: string }).reason).toMatch(/target accuracy/);
    await store.close();
  });

  it('stops without a new proposal when someone appends ExperimentCancelled', async () => {
    const store = await openStore(tempStoreUrl());
    await runOracle(store, 'cancel', quickConfig({ budget: { maxCandidates: 3 } }));
    const config = quickConfig({ budget: { maxCandidates: 30 } });
    const { startExperiment } = await import('../../src/search/index.js');
    await startExperiment(store, config, { experimentId: 'cancel2' });
    await store.append(
      'experiment-cancel2',
      [
        {
          id: 'c2-cancel',
          type: 'ExperimentCancelled',
          data: { experimentId: 'cancel2', reason: 'user' },
          metadata: { correlationId: 'cancel2', actor: 'test' },
        },
      ],
      'any',
    );
    const summary = await runOracle(store, 'cancel2', config);
    expect(summary.status).toBe('cancelled');
    expect(summary.proposed).toBe(0);
    expect(summarize).toBeTypeOf('function');
    await store.close();
  });
});
