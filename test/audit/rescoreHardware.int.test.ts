// Re-scoring an oracle search with the real FPGA model of src/hardware: a tighter budget keeps a subset, the
// loosest keeps every trained design, and the best is the most accurate design that fits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHardwareRescoreEvaluator, rescoreExperiment } from '../../src/audit/index.js';
import { createOracleTrainer, runExperiment, startExperiment } from '../../src/search/index.js';
import { fakeHardwareFor, quickConfig } from '../search/fixtures/harness.js';
import type { TamperableStore } from './storeFixtures.js';
import { sqliteFixture } from './storeFixtures.js';

describe('rescore with the hardware model', () => {
  let fx: TamperableStore;

  beforeEach(async () => {
    fx = await sqliteFixture();
    await startExperiment(fx.store, quickConfig({ budget: { maxCandidates: 10 } }), { experimentId: 'hw' });
    await runExperiment({
      store: fx.store,
      experimentId: 'hw',
      trainer: createOracleTrainer(),
      hardware: fakeHardwareFor,
    });
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('keeps every trained design under a huge budget and a subset under a tight one', async () => {
    const evaluate = createHardwareRescoreEvaluator();
    const loose = await rescoreExperiment(
      fx.store,
      'hw',
      { device: 'zynq7020', maxLuts: 1e9, minFps: 0 },
      { evaluate },
    );
    expect(loose.candidates.length).toBeGreaterThan(0);
    expect(loose.feasible).toHaveLength(loose.candidates.length);
    const lutsSorted = loose.candidates.map((c) => c.luts).sort((a, b) => a - b);
    const median = lutsSorted[Math.floor(lutsSorted.length / 2)] ?? 0;
    const tight = await rescoreExperiment(
      fx.store,
      'hw',
      { device: 'zynq7020', maxLuts: median, minFps: 0 },
      { evaluate },
    );
    expect(tight.feasible).toHaveLength(loose.candidates.filter((c) => c.luts <= median).length);
    expect(tight.feasible.every((c) => c.luts <= median)).toBe(true);
    expect(
      tight.candidates.filter((c) => !c.feasible).every((c) => c.violations.some((v) => v.constraint === 'luts')),
    ).toBe(true);
    const best = Math.max(...tight.feasible.map((c) => c.accuracy));
    expect(tight.best?.accuracy).toBe(best);
  });

  it('rejects an unknown device preset with BAD_USER_INPUT and records nothing', async () => {
    const head = await fx.store.headPosition();
    await expect(
      rescoreExperiment(
        fx.store,
        'hw',
        { device: 'nope', maxLuts: 1000 },
        { evaluate: createHardwareRescoreEvaluator() },
      ),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fx.store.headPosition()).toBe(head);
  });
});
