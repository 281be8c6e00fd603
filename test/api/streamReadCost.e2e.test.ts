// Stream-reading fields over HTTP on a real socket (issue 19, finding 1): forty auditExperiment aliases are refused as
// too complex instead of reading the stream forty times, and a client's distinct audits beyond its cap are refused
// field by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../src/audit/index.js';
import { startHarness, TOKENS, type Harness } from './harness.js';

const ids = [
  '6e1f0a2c-7d3b-4c1e-9a6f-0b8d2e4c6a11',
  '6e1f0a2c-7d3b-4c1e-9a6f-0b8d2e4c6a12',
  '6e1f0a2c-7d3b-4c1e-9a6f-0b8d2e4c6a13',
];

describe('cost and concurrency of stream-reading fields', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    for (const experimentId of ids) {
      const { streamId, events } = syntheticExperiment({ experimentId, candidates: 30 });
      await h.store.append(streamId, events, 'no_stream');
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses forty auditExperiment aliases in one query as too complex with BAD_USER_INPUT', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: auditExperiment(id: "${ids[0]}") { verified }`).join(
      ' ',
    );
    const result = await h.gql(`{ ${aliases} }`, {}, TOKENS.viewer);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'complexity' });
    expect(result.errors?.[0]?.message).toMatch(/operation costs 40\d{3}, but at most 5000/);
  });

  it('answers four aliases of one experiment from one read, with the same result', async () => {
    const aliases = Array.from(
      { length: 4 },
      (_, i) => `a${i}: auditExperiment(id: "${ids[0]}") { verified events head }`,
    ).join(' ');
    const result = await h.gql(`{ ${aliases} }`, {}, TOKENS.viewer);
    expect(result.errors).toBeUndefined();
    const values = Object.values(result.data ?? {});
    expect(values).toHaveLength(4);
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1);
  });

  it('refuses only the third of three distinct replays one client sends at once, naming the concurrency limit', async () => {
    const query = `{ ${ids.map((id, i) => `a${i}: experimentAsOf(id: "${id}", position: ${100 + i}) { asOfPosition }`).join(' ')} }`;
    const result = await h.gql(query, {}, TOKENS.viewer);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'concurrency' });
    expect((result.errors?.[0] as { path?: unknown } | undefined)?.path).toEqual(['a2']);
  });
});
