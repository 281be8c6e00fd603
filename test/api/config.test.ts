// startExperiment's config parsing: the search module's parser, with the offending field named.
import { describe, expect, it } from 'vitest';

describe('config parsing for startExperiment', () => {
  it('names the first offending field of a config rejected by the search module', async () => {
    const { adaptConfigParser } = await import('../../src/api/config.js');
    const { parseExperimentConfig } = await import('../../src/search/index.js');
    const parse = adaptConfigParser(parseExperimentConfig);
    expect(() => parse({ budget: { maxCandidatez: 3 } })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: expect.objectContaining({ field: 'config.budget' }) }),
    );
    expect(() => parse('nope')).toThrow(expect.objectContaining({ details: { field: 'config' } }));
    expect(parse({ name: 'ok', seed: 3 })).toMatchObject({ name: 'ok', seed: 3 });
  });
});
