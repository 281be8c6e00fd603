// Deterministic re-run on a real SQLite file: an oracle search re-runs identically from recorded results; a
// perturbed controller (another seed) is reported at its first divergent decision.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareDecisions,
  decisionsOf,
  readOnlyStore,
  replayExperiment,
  rerunExperiment,
  searchControllerRebuild,
} from '../../src/audit/index.js';
import { createOracleTrainer, runExperiment, startExperiment } from '../../src/search/index.js';
import type { RecordedEvent } from '../../src/store/index.js';
import { fakeHardwareFor, quickConfig } from '../search/fixtures/harness.js';
import type { TamperableStore } from './storeFixtures.js';
import { sqliteFixture } from './storeFixtures.js';

describe('deterministic re-run', () => {
  let fx: TamperableStore;
  let original: RecordedEvent[];

  beforeEach(async () => {
    fx = await sqliteFixture();
    await startExperiment(fx.store, quickConfig({ budget: { maxCandidates: 10 } }), { experimentId: 'orig' });
    await runExperiment({
      store: fx.store,
      experimentId: 'orig',
      trainer: createOracleTrainer(),
      hardware: fakeHardwareFor,
    });
    original = await fx.store.readStream('experiment-orig');
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('re-runs an oracle search identically from the recorded results, without touching the original', async () => {
    const result = await rerunExperiment(fx.store, 'orig', { rerunExperimentId: 'again' });
    expect(result.firstDivergence).toBeNull();
    expect(result.identical).toBe(true);
    expect(result.unrecordedRequests).toBe(0);
    expect(result.decisionsCompared).toBeGreaterThan(30);
    expect(await fx.store.readStream('experiment-orig')).toEqual(original);
    expect((await fx.store.readStream('experiment-again')).at(-1)?.type).toBe('ExperimentCompleted');
  });

  it('matches the original as well when the live hardware model is used instead of recorded reports', async () => {
    const result = await rerunExperiment(fx.store, 'orig', { rerunExperimentId: 'live', hardware: fakeHardwareFor });
    expect(result.identical).toBe(true);
  });

  it('reports the first divergence of a deliberately perturbed controller (another seed)', async () => {
    const result = await rerunExperiment(fx.store, 'orig', { rerunExperimentId: 'perturbed', seed: 12345 });
    expect(result.identical).toBe(false);
    expect(result.firstDivergence).toMatchObject({ decision: 0, eventType: 'CandidateProposed' });
    expect(result.firstDivergence?.message).toContain('candidate #0');
  });

  it('re-runs a search stopped by its wall-clock budget identically, up to the same number of proposals', async () => {
    await startExperiment(fx.store, quickConfig({ budget: { maxCandidates: 1000, maxWallSeconds: 1 } }), {
      experimentId: 'wall',
    });
    await runExperiment({
      store: fx.store,
      experimentId: 'wall',
      trainer: createOracleTrainer({ epochDelayMs: 40 }),
      hardware: fakeHardwareFor,
    });
    const log = await fx.store.readStream('experiment-wall');
    expect((log.at(-1)?.data as { reason: string }).reason).toContain('max wall time');
    const result = await rerunExperiment(fx.store, 'wall', { rerunExperimentId: 'wall-again' });
    expect(result.firstDivergence).toBeNull();
  });

  it('names the decision and field where two logs part', () => {
    const a = decisionsOf(original);
    const idx = a.findIndex((d) => d.type === 'RewardAssigned');
    const b = a.map((d, i) => (i === idx ? { ...d, value: { ...d.value, reward: 42 } } : d));
    expect(compareDecisions(a, a)).toBeNull();
    expect(compareDecisions(a, b)).toMatchObject({
      decision: idx,
      eventType: 'RewardAssigned',
      field: 'reward',
      rerun: 42,
    });
    expect(compareDecisions(a, a.slice(0, 5))).toMatchObject({ decision: 5, rerun: null });
  });
});

describe('replay with the controller rebuilt', () => {
  it("restores the controller state as of a position from the search module's own fold", async () => {
    const fx = await sqliteFixture();
    try {
      await startExperiment(fx.store, quickConfig({ budget: { maxCandidates: 12 } }), { experimentId: 'ctl' });
      await runExperiment({
        store: fx.store,
        experimentId: 'ctl',
        trainer: createOracleTrainer(),
        hardware: fakeHardwareFor,
      });
      const log = await fx.store.readStream('experiment-ctl');
      const firstPolicy = log.find((e) => e.type === 'PolicyUpdated');
      if (firstPolicy === undefined) throw new Error('expected a PolicyUpdated event');
      const result = await replayExperiment(readOnlyStore(fx.store), 'ctl', {
        until: { position: firstPolicy.position },
        controller: searchControllerRebuild('ctl'),
      });
      expect(result.controller).toMatchObject({ kind: 'rl', policySteps: 1, status: 'running' });
      expect((result.controller as { checkpoint: unknown }).checkpoint).toEqual(
        (firstPolicy.data as { checkpoint: unknown }).checkpoint,
      );
    } finally {
      await fx.dispose();
    }
  });
});
