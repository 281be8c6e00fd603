// Experiment config validation: defaults, the controller union, and error messages that say how to fix them.
import { describe, expect, it } from 'vitest';
import { dispatchOf, parseExperimentConfig, withDefaultDispatch } from '../../src/search/index.js';
import { readFileSync } from 'node:fs';

describe('parseExperimentConfig', () => {
  it('fills the FNAS/QNAS controller defaults when only the kind is given', () => {
    const config = parseExperimentConfig({ controller: { kind: 'rl' } });
    expect(config.controller).toMatchObject({
      kind: 'rl',
      hiddenSize: 100,
      learningRate: 0.01,
      baselineDecay: 0.9,
      childrenPerEpisode: 5,
    });
    expect(config.space).toBe('quick');
    expect(config.budget.maxCandidates).toBe(50);
  });

  it('accepts the shipped example search configs', () => {
    for (const file of [
      'examples/quick.json',
      'examples/paper-30k.json',
      'examples/paper-30k-qnas.json',
      'examples/paper-30k-wide.json',
    ]) {
      expect(() => parseExperimentConfig(JSON.parse(readFileSync(file, 'utf8')))).not.toThrow();
    }
  });

  it('rejects an unknown controller kind with BAD_USER_INPUT naming the path and the value', () => {
    expect(() => parseExperimentConfig({ controller: { kind: 'bayes' } })).toThrow(/controller\.kind.*but got "bayes"/);
    try {
      parseExperimentConfig({ controller: { kind: 'bayes' } });
    } catch (error) {
      expect((error as { code: string }).code).toBe('BAD_USER_INPUT');
    }
  });

  it('rejects a negative LUT budget and an unknown field with their paths', () => {
    expect(() => parseExperimentConfig({ device: { maxLuts: -5 } })).toThrow(/device\.maxLuts.*but got -5/);
    expect(() => parseExperimentConfig({ budget: { maxCandidate: 5 } })).toThrow(/budget/);
  });

  it('rejects a validation split outside (0, 1)', () => {
    expect(() => parseExperimentConfig({ dataset: { validationSplit: 1.5 } })).toThrow(/dataset\.validationSplit/);
  });

  it("takes episodesAhead with dispatch 'workers' and refuses it with 'local', naming the fix", () => {
    expect(parseExperimentConfig({ dispatch: 'workers', episodesAhead: 1 }).episodesAhead).toBe(1);
    expect(parseExperimentConfig({}).episodesAhead).toBeUndefined();
    expect(() => parseExperimentConfig({ dispatch: 'local', episodesAhead: 1 })).toThrow(
      /episodesAhead.*needs dispatch 'workers'/,
    );
    expect(() => parseExperimentConfig({ episodesAhead: 9 })).toThrow(/episodesAhead/);
    expect(() => parseExperimentConfig({ episodesAhead: 1, controller: { kind: 'separate' } })).toThrow(
      /episodesAhead.*cannot be used with controller 'separate'/,
    );
  });

  it('gives a config that works ahead the workers even without dispatch, and keeps the oracle local otherwise', () => {
    const ahead = parseExperimentConfig({ training: { oracle: true }, episodesAhead: 1 });
    expect(dispatchOf(ahead)).toBe('workers');
    expect(withDefaultDispatch(ahead).dispatch).toBe('workers');
    const oracle = parseExperimentConfig({ training: { oracle: true } });
    expect(dispatchOf(oracle)).toBe('local');
    expect(withDefaultDispatch(oracle).dispatch).toBe('local');
    expect(withDefaultDispatch(parseExperimentConfig({})).dispatch).toBe('workers');
  });
});
