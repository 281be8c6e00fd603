// The study panel: seeded, feasible, distinct designs of a space under the experiment's hardware budget.
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/search/config.js';
import { feasibleExtras, feasiblePanel } from '../../src/search/panel.js';
import { createHardwareEvaluator } from '../../src/search/hardwareAdapter.js';
import { candidateHash, type Candidate } from '../../src/space/index.js';
import { readFileSync } from 'node:fs';

const config = parseExperimentConfig({
  space: 'qnas-constrained-auto',
  device: { preset: '30k', maxLuts: 30000, minFps: 1293 },
});

describe('feasible panel', () => {
  it('draws the same distinct feasible designs for the same seed, and others for another seed', () => {
    const a = feasiblePanel(config, { count: 6, seed: 3 });
    const b = feasiblePanel(config, { count: 6, seed: 3 });
    const c = feasiblePanel(config, { count: 6, seed: 4 });
    expect(b).toEqual(a);
    expect(c.designs.map((d) => d.candidate)).not.toEqual(a.designs.map((d) => d.candidate));
    const hardware = createHardwareEvaluator(config);
    for (const d of a.designs) {
      const report = hardware.evaluate(d.candidate, { autoFold: false });
      expect(report.feasible).toBe(true);
      expect(report.luts).toBe(d.luts);
      expect(d.luts).toBeLessThanOrEqual(30000);
      expect(d.throughputFps).toBeGreaterThanOrEqual(1293);
    }
    expect(new Set(a.designs.map((d) => candidateHash(d.candidate))).size).toBe(6);
    expect(a.designs.map((d) => d.name)).toEqual([
      'sample-0',
      'sample-1',
      'sample-2',
      'sample-3',
      'sample-4',
      'sample-5',
    ]);
  });

  it('says how many draws it tried when the budget admits too few designs', () => {
    const tight = parseExperimentConfig({
      space: 'qnas-constrained-auto',
      device: { preset: '30k', maxLuts: 100, minFps: 1293 },
    });
    expect(() => feasiblePanel(tight, { count: 1, seed: 1, maxDraws: 200 })).toThrow(
      /expected 1 feasible designs of space 'qnas-constrained-auto' in 200 draws, but found 0; loosen device.maxLuts/,
    );
  });

  it('keeps the feasible extra designs auto-folded and drops the infeasible ones', () => {
    const read = (name: string): Candidate =>
      JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}.json`, import.meta.url), 'utf8')) as Candidate;
    const extras = feasibleExtras(config, [
      { name: 'reference-4bit', candidate: read('reference-4bit') },
      { name: 'reference-8bit', candidate: read('reference-8bit') },
    ]);
    expect(extras.map((e) => e.name)).toContain('reference-4bit');
    for (const e of extras) expect(e.luts).toBeLessThanOrEqual(30000);
    const all = ['reference-4bit', 'reference-8bit'].map((name) =>
      createHardwareEvaluator(config).evaluate(read(name), { autoFold: true }),
    );
    expect(extras).toHaveLength(all.filter((r) => r.feasible).length);
  });
});
