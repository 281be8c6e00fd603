import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/search/config.js';
import { feasiblePanel } from '../../src/search/panel.js';
import { parseShard, shardPanel, shardSuffix } from '../../src/search/studyShard.js';

describe('study shards', () => {
  const config = parseExperimentConfig({ space: 'qnas', device: { preset: '30k', maxLuts: 30000, minFps: 1293 } });
  const { designs } = feasiblePanel(config, { count: 9, seed: 3 });

  it('splits a panel into disjoint shards that together hold every design, in panel order', () => {
    const parts = [1, 2, 3].map((index) => shardPanel(designs, { index, count: 3 }));
    const names = parts.flat().map((d) => d.name);
    expect(new Set(names).size).toBe(designs.length);
    expect(names.sort()).toEqual(designs.map((d) => d.name).sort());
    for (const part of parts)
      expect(part.map((d) => designs.indexOf(d))).toEqual(
        [...part.map((d) => designs.indexOf(d))].sort((a, b) => a - b),
      );
    expect(shardPanel(designs, { index: 1, count: 3 })).toEqual(parts[0]);
    expect(shardPanel(designs, { index: 1, count: 1 })).toEqual(designs);
  });

  it('parses k/n and refuses anything else with a fix', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0'])
      expect(() => parseShard(bad)).toThrow(/expected a shard as k\/n/);
    expect(shardSuffix({ index: 2, count: 3 })).toBe('-shard2of3');
    expect(shardSuffix({ index: 1, count: 1 })).toBe('');
  });
});
