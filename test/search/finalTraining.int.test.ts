// Final training (finalTraining.topK) through the loop with the oracle: the best candidates get a second, final run
// whose TrainingStarted records the final run's image count and whose trainer call is marked `final`; an audit re-run
// of such an experiment is identical.
import { describe, expect, it } from 'vitest';
import { rerunExperiment } from '../../src/audit/index.js';
import { createOracleTrainer, runExperiment, startExperiment, type CandidateTrainer } from '../../src/search/index.js';
import { fakeHardwareFor, openStore, quickConfig, tempStoreUrl } from './fixtures/harness.js';

interface Started {
  candidateId: string;
  trainImages: number;
  epochs: number;
  final?: boolean;
}

describe('final training', () => {
  it('trains the top k once more, marked final, with the final image count, and re-runs identically', async () => {
    const store = await openStore(tempStoreUrl());
    const oracle = createOracleTrainer({ trainImages: 900 });
    const calls: Array<{ epochs: number; final: boolean }> = [];
    const trainer: CandidateTrainer = {
      backend: oracle.backend,
      trainImages: oracle.trainImages,
      finalTrainImages: 45_000,
      train: (candidate, options, onEpoch) => {
        calls.push({ epochs: options.epochs, final: options.final === true });
        return oracle.train(candidate, options, onEpoch);
      },
    };
    await startExperiment(store, quickConfig({ budget: { maxCandidates: 8 }, finalTraining: { topK: 2, epochs: 3 } }), {
      experimentId: 'fin',
    });
    await runExperiment({ store, experimentId: 'fin', trainer, hardware: fakeHardwareFor });
    const log = await store.readStream('experiment-fin');
    const started = log.filter((e) => e.type === 'TrainingStarted').map((e) => e.data as Started);
    const finals = started.filter((s) => s.final === true);
    expect(finals).toHaveLength(2);
    for (const s of finals) expect(s).toMatchObject({ trainImages: 45_000, epochs: 3 });
    const proxies = started.filter((s) => s.final !== true);
    expect(proxies.length).toBeGreaterThan(2);
    for (const s of proxies) expect(s).toMatchObject({ trainImages: 900, epochs: 2 });
    // The trainer saw `final` exactly on the final runs, after every proxy run.
    expect(calls.filter((c) => c.final)).toEqual([
      { epochs: 3, final: true },
      { epochs: 3, final: true },
    ]);
    expect(calls.slice(-2).every((c) => c.final)).toBe(true);
    const trained = log.filter((e) => e.type === 'CandidateTrained' && (e.data as { final?: boolean }).final === true);
    expect(trained.map((e) => (e.data as { candidateId: string }).candidateId)).toEqual(
      finals.map((s) => s.candidateId),
    );

    const rerun = await rerunExperiment(store, 'fin', { rerunExperimentId: 'fin-again' });
    expect(rerun.firstDivergence).toBeNull();
    expect(rerun.identical).toBe(true);
    const again = (await store.readStream('experiment-fin-again'))
      .filter((e) => e.type === 'TrainingStarted')
      .map((e) => e.data as Started);
    expect(again.map((s) => s.trainImages)).toEqual(started.map((s) => s.trainImages));
    await store.close();
  });

  it('hands the trainer the proxy recipe for proxy runs and the final recipe (lr, warm-up, weight decay, augmentation) for final runs', async () => {
    const store = await openStore(tempStoreUrl());
    const oracle = createOracleTrainer();
    const seen: Array<Record<string, unknown>> = [];
    const trainer: CandidateTrainer = {
      ...oracle,
      train: (candidate, options, onEpoch) => {
        const { signal: _s, seed: _seed, ...recipe } = options;
        seen.push(recipe);
        return oracle.train(candidate, options, onEpoch);
      },
    };
    await startExperiment(
      store,
      quickConfig({
        budget: { maxCandidates: 5 },
        training: { epochs: 2, oracle: true, learningRate: 0.02, augment: false, warmupEpochs: 0.5, weightDecay: 1e-4 },
        finalTraining: { topK: 1, epochs: 4, learningRate: 0.05, warmupEpochs: 1 },
      }),
      { experimentId: 'recipe' },
    );
    await runExperiment({ store, experimentId: 'recipe', trainer, hardware: fakeHardwareFor });
    const finals = seen.filter((r) => r.final === true);
    expect(finals).toEqual([
      {
        epochs: 4,
        batchSize: 64,
        learningRate: 0.05,
        augment: false,
        warmupEpochs: 1,
        weightDecay: 1e-4,
        float: false,
        final: true,
      },
    ]);
    const proxies = seen.filter((r) => r.final !== true);
    expect(proxies.length).toBeGreaterThan(0);
    for (const r of proxies)
      expect(r).toEqual({
        epochs: 2,
        batchSize: 64,
        learningRate: 0.02,
        augment: false,
        warmupEpochs: 0.5,
        weightDecay: 1e-4,
        float: false,
      });
    await store.close();
  });
});
