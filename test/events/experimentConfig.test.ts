// ExperimentStarted.config is the parsed config (src/events/experimentConfig.ts): append validates it and fills the
// defaults, and readers take it typed from the event without parsing it again. That is only sound while every
// stored config is a fixed point of the schema, so this test parses the config of every committed bundle.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundleFiles } from '../../src/audit/index.js';
import { ExperimentConfigShape, startedConfigOf, validateEvent } from '../../src/events/index.js';

/** Every .tar.gz under bench/results, one folder deep. */
const bundles = async (): Promise<string[]> => {
  const root = join(process.cwd(), 'bench', 'results');
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.tar.gz')) out.push(join(root, entry.name));
    if (entry.isDirectory())
      for (const inner of await readdir(join(root, entry.name)))
        if (inner.endsWith('.tar.gz')) out.push(join(root, entry.name, inner));
  }
  return out.sort();
};

describe('the stored experiment config', () => {
  it('is a fixed point of the config schema in every committed bundle, so reading it needs no parse', async () => {
    const files = await bundles();
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const { eventsJsonl } = await readBundleFiles(file);
      const first = JSON.parse(eventsJsonl.slice(0, eventsJsonl.indexOf('\n'))) as { type: string; data: unknown };
      const config = startedConfigOf(first);
      expect(config, file).toBeDefined();
      expect(ExperimentConfigShape.parse(config), file).toEqual(config);
    }
  }, 120_000);

  it('fills the defaults on append and rejects an unknown field, naming it', () => {
    const { data } = validateEvent('ExperimentStarted', { experimentId: 'e', name: 'n', config: {}, seed: 1 });
    const config = startedConfigOf({ type: 'ExperimentStarted', data });
    expect(config).toMatchObject({ name: 'experiment', seed: 1, controller: { kind: 'rl', hiddenSize: 100 } });
    expect(config?.budget.maxCandidates).toBe(50);
    expect(() =>
      validateEvent('ExperimentStarted', { experimentId: 'e', name: 'n', config: { lutBudget: 1 }, seed: 1 }),
    ).toThrow(/ExperimentStarted.*config/);
    expect(startedConfigOf({ type: 'CandidateProposed', data: {} })).toBeUndefined();
    expect(startedConfigOf(undefined)).toBeUndefined();
  });
});
