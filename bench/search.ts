// Joint RL vs the separate baseline (and random/evolution for context) at the same tight budget and the same
// candidate count, scored by the accuracy oracle (real training does not fit the shared 2 cores). Also writes
// bench/results/search-compare.json. Args: [candidates=50] [seeds=1,2] [space=qnas-auto] [maxLuts=30000] [minFps=1293]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createEventStore } from '../src/store/index.js';
import { createHardwareEvaluator, createOracleTrainer, runExperiment, startExperiment, type ExperimentConfigInput } from '../src/search/index.js';

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
        name: `compare-${kind}`, seed, space, device: { preset: '30k', maxLuts, minFps },
        controller: { kind } as ExperimentConfigInput['controller'], training: { oracle: true, epochs: 1 },
        budget: { maxCandidates: candidates },
      };
      const experimentId = `${kind}-${seed}`;
      await startExperiment(store, config, { experimentId });
      const started = performance.now();
      const s = await runExperiment({ store, experimentId, trainer: createOracleTrainer(), hardware: createHardwareEvaluator });
      runs.push({
        controller: kind, seed, proposed: s.proposed, pruned: s.pruned, trained: s.trained,
        bestFeasibleAccuracy: s.best?.accuracy ?? null, bestLuts: s.best?.luts ?? null, bestFps: s.best?.throughputFps ?? null,
        seconds: (performance.now() - started) / 1000,
      });
      console.log(JSON.stringify(runs.at(-1)));
      await store.close();
    }
  }
  const byController = Object.fromEntries(controllers.map((kind) => {
    const mine = runs.filter((r) => r.controller === kind);
    const accs = mine.map((r) => r.bestFeasibleAccuracy as number | null);
    return [kind, {
      meanBestFeasibleAccuracy: accs.every((a) => a !== null) ? accs.reduce((x: number, a) => x + (a ?? 0), 0) / accs.length : null,
      runsWithoutFeasibleDesign: accs.filter((a) => a === null).length,
      meanPruned: mine.reduce((x, r) => x + (r.pruned as number), 0) / mine.length,
    }];
  }));
  const result = {
    note: 'accuracy from the oracle (src/search/oracle.ts), not from training; hardware from src/hardware; same candidate count per run',
    space, device: '30k', maxLuts, minFps, candidatesPerRun: candidates, seeds, byController, runs,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/search-compare.json', `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
