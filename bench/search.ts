// Joint RL vs the separate baseline (and random/evolution for context) at the same tight budget and the same
// candidate count, scored by the accuracy oracle (real training does not fit the shared 2 cores). Also writes
// bench/results/search-compare.json. Args: [candidates=50] [seeds=1,2] [space=qnas-auto] [maxLuts=30000] [minFps=1293]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createEventStore } from '../src/store/index.js';
import {
  createHardwareEvaluator,
  createOracleTrainer,
  runExperiment,
  startExperiment,
  type ExperimentConfigInput,
} from '../src/search/index.js';

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const candidates = Number(args[0] ?? 50);
  const seeds = (args[1] ?? '1,2').split(',').map(Number);
  const space = args[2] ?? 'qnas-auto';
  const maxLuts = Number(args[3] ?? 30000);
  const minFps = Number(args[4] ?? 1293);
  const controllers = ['rl', 'separate', 'random', 'evolution'] as const;
  const runs: Array<Record<string, unknown>> = [];
  for (const kind of controllers) {
    for (const seed of seeds) {
      const store = await createEventStore('sqlite::memory:');
      const config: ExperimentConfigInput = {
        name: `compare-${kind}`,
        seed,
        space,
        device: { preset: '30k', maxLuts, minFps },
        controller: { kind } as ExperimentConfigInput['controller'],
        training: { oracle: true, epochs: 1 },
        budget: { maxCandidates: candidates },
      };
      const experimentId = `${kind}-${seed}`;
      await startExperiment(store, config, { experimentId });
      const started = performance.now();
      const s = await runExperiment({
        store,
        experimentId,
        trainer: createOracleTrainer(),
        hardware: createHardwareEvaluator,
      });
      runs.push({
        controller: kind,
        seed,
        proposed: s.proposed,
        pruned: s.pruned,
        trained: s.trained,
        bestFeasibleAccuracy: s.best?.accuracy ?? null,
        bestLuts: s.best?.luts ?? null,
        bestFps: s.best?.throughputFps ?? null,
        seconds: (performance.now() - started) / 1000,
      });
      console.log(JSON.stringify(runs.at(-1)));
      await store.close();
    }
  }
  const byController = Object.fromEntries(
    controllers.map((kind) => {
      const mine = runs.filter((r) => r.controller === kind);
      const accs = mine.map((r) => r.bestFeasibleAccuracy as number | null);
      return [
        kind,
        {
          meanBestFeasibleAccuracy: accs.every((a) => a !== null)
            ? accs.reduce((x: number, a) => x + (a ?? 0), 0) / accs.length
            : null,
          runsWithoutFeasibleDesign: accs.filter((a) => a === null).length,
          meanPruned: mine.reduce((x, r) => x + (r.pruned as number), 0) / mine.length,
        },
      ];
    }),
  );
  const result = {
    note: 'accuracy from the oracle (src/search/oracle.ts), not from training; hardware from src/hardware; same candidate count per run',
    space,
    device: '30k',
    maxLuts,
    minFps,
    candidatesPerRun: candidates,
    seeds,
    byController,
    runs,
    objectives: await compareObjectives(space, maxLuts, minFps, seeds),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/search-compare.json', `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/**
 * The RL controller under the `accuracy` reward and under the `weighted` (MnasNet) reward with two LUT exponents:
 * does the weighted reward steer the search to smaller feasible designs, and what accuracy does that cost? 200
 * candidates per run so the policy takes 40 steps; LUTs are the median over the feasible trained designs of the
 * second half of each run (what the learned policy proposes).
 */
const compareObjectives = async (
  space: string,
  maxLuts: number,
  minFps: number,
  seeds: number[],
): Promise<Record<string, unknown>[]> => {
  const variants: Array<{ name: string; objective: 'accuracy' | 'weighted'; luts?: number }> = [
    { name: 'accuracy', objective: 'accuracy' },
    { name: 'weighted -0.07', objective: 'weighted', luts: -0.07 },
    { name: 'weighted -0.3', objective: 'weighted', luts: -0.3 },
  ];
  const out: Record<string, unknown>[] = [];
  for (const variant of variants) {
    for (const seed of seeds) {
      const store = await createEventStore('sqlite::memory:');
      const config: ExperimentConfigInput = {
        name: `objective-${variant.name}`,
        seed,
        space,
        device: { preset: '30k', maxLuts, minFps },
        controller: { kind: 'rl' },
        training: { oracle: true, epochs: 1 },
        budget: { maxCandidates: 200 },
        objective: variant.objective,
        ...(variant.luts === undefined ? {} : { objectiveWeights: { luts: variant.luts, throughput: 0 } }),
      };
      const experimentId = `objective-${seed}`;
      await startExperiment(store, config, { experimentId });
      const s = await runExperiment({
        store,
        experimentId,
        trainer: createOracleTrainer(),
        hardware: createHardwareEvaluator,
      });
      const events = await store.readStream(`experiment-${experimentId}`);
      const indexOf = new Map<string, number>();
      const luts = new Map<string, number>();
      for (const e of events) {
        const d = e.data as { candidateId?: string; index?: number; luts?: number; feasible?: boolean };
        if (e.type === 'CandidateProposed' && d.candidateId !== undefined) indexOf.set(d.candidateId, d.index ?? 0);
        if (e.type === 'HardwareEvaluated' && d.feasible === true && d.candidateId !== undefined)
          luts.set(d.candidateId, d.luts ?? 0);
      }
      const late = [...luts.entries()]
        .filter(([id]) => (indexOf.get(id) ?? 0) >= 100)
        .map(([, l]) => l)
        .sort((a, b) => a - b);
      out.push({
        objective: variant.name,
        seed,
        trained: s.trained,
        pruned: s.pruned,
        bestAccuracy: s.best?.accuracy ?? null,
        bestLuts: s.best?.luts ?? null,
        feasibleInSecondHalf: late.length,
        medianLutsOfFeasibleInSecondHalf: late.length === 0 ? null : late[Math.floor(late.length / 2)],
      });
      console.log(JSON.stringify(out.at(-1)));
      await store.close();
    }
  }
  return out;
};
