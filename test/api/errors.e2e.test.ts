// Bad input over real sockets: each gets the right extensions.code and leaves the store unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExperimentDirectly } from './fixtures.js';
import { startHarness, take, TOKENS, type Harness } from './harness.js';

const START = 'mutation ($config: JSON!) { startExperiment(config: $config) { id } }';

describe('bad input', () => {
  let h: Harness;
  let head: number;
  let experimentId: string;
  beforeEach(async () => {
    h = await startHarness({ limits: { maxDepth: 4, maxComplexity: 1000 } });
    experimentId = await startExperimentDirectly(h.store);
    head = await h.store.headPosition();
  });
  afterEach(async () => {
    expect(await h.store.headPosition()).toBe(head);
    await h.close();
  });

  const codeOf = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown =>
    result.errors?.[0]?.extensions?.['code'];

  it('rejects a wrongly typed variable with BAD_USER_INPUT', async () => {
    const result = await h.gql(
      'query ($first: Int) { events(first: $first) { edges { cursor } } }',
      { first: 'ten' },
      TOKENS.viewer,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });

  it('rejects a config that is not an object with BAD_USER_INPUT naming the field', async () => {
    const result = await h.gql(START, { config: [1, 2] }, TOKENS.operator);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.['field']).toBe('config');
  });

  it('rejects a page size above the cap with BAD_USER_INPUT naming first', async () => {
    const result = await h.gql('{ events(first: 1000) { edges { cursor } } }', undefined, TOKENS.viewer);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain("'first'");
  });

  it('answers NOT_FOUND for an unknown experiment', async () => {
    const result = await h.gql(
      'mutation { cancelExperiment(id: "no-such-experiment") { id } }',
      undefined,
      TOKENS.operator,
    );
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  it('answers UNAUTHENTICATED for a mutation without a token', async () => {
    const result = await h.gql(START, { config: { name: 'x' } }, undefined);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });

  it('answers UNAUTHENTICATED for an unknown token', async () => {
    const result = await h.gql('{ events { edges { cursor } } }', undefined, 'forged');
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.status).toBe(401);
  });

  it('answers FORBIDDEN for a viewer token on a mutation', async () => {
    const result = await h.gql(START, { config: { name: 'x' } }, TOKENS.viewer);
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('answers FORBIDDEN for an operator rebuilding a projection', async () => {
    const result = await h.gql(
      'mutation { rebuildProjection(name: "experiments") { name } }',
      undefined,
      TOKENS.operator,
    );
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('rejects a query deeper than the limit with BAD_USER_INPUT, fragments included', async () => {
    // The harness server allows depth 4; events.edges.node.metadata.actor is 5 deep.
    const ok = await h.gql('{ events { edges { node { type } } } }', undefined, TOKENS.viewer);
    expect(ok.errors).toBeUndefined();
    const deep = await h.gql('{ events { edges { node { metadata { actor } } } } }', undefined, TOKENS.viewer);
    expect(codeOf(deep)).toBe('BAD_USER_INPUT');
    expect(deep.errors?.[0]?.message).toContain('5 levels deep');
    const viaFragment = await h.gql(
      'fragment M on EventRecord { metadata { actor } } { events { edges { node { ...M } } } }',
      undefined,
      TOKENS.viewer,
    );
    expect(codeOf(viaFragment)).toBe('BAD_USER_INPUT');
  });

  it('rejects a query over the complexity limit with BAD_USER_INPUT', async () => {
    const result = await h.gql(
      '{ a: events(first: 100) { edges { node { id type data cursor revision position streamId } } } b: events(first: 100) { edges { node { id type data cursor revision position streamId } } } }',
      undefined,
      TOKENS.viewer,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('costs');
  });

  it('rejects a request body over the size limit with 413', async () => {
    const response = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.operator}` },
      body: JSON.stringify({ query: START, variables: { config: { name: 'x', padding: 'x'.repeat(2_000_000) } } }),
    });
    expect(response.status).toBe(413);
  });

  it('ends a subscription to an unknown experiment with NOT_FOUND', async () => {
    const failure = take(h.wsClient(TOKENS.viewer), 'subscription { experimentEvents(id: "nope") { cursor } }', {}, 1);
    await expect(failure).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })],
    });
  });

  it('ends a subscription without a token with UNAUTHENTICATED', async () => {
    const failure = take(
      h.wsClient(),
      'subscription ($id: ID!) { experimentEvents(id: $id) { cursor } }',
      { id: experimentId },
      1,
    );
    await expect(failure).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
    });
  });
});
