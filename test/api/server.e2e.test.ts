// End-to-end over HTTP: health, mutations (start, cancel, resume) with the actor recorded, and the raw events view.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { experimentStreamId } from '../../src/events/index.js';
import { appendCandidate, startExperimentDirectly } from './fixtures.js';
import { startHarness, TOKENS, type Harness } from './harness.js';

describe('the API over HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers the health query without a token', async () => {
    const result = await h.gql('{ health { status store headPosition readModels } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ health: { status: 'ok', store: 'sqlite', headPosition: 0, readModels: false } });
  });

  it('starts an experiment and records the token subject as the actor of its event', async () => {
    const result = await h.gql(
      'mutation ($config: JSON!) { startExperiment(config: $config) { id name status seed proposed } }',
      { config: { name: 'joint', seed: 42 } },
      TOKENS.operator,
    );
    expect(result.errors).toBeUndefined();
    const experiment = result.data?.['startExperiment'] as { id: string; name: string; status: string; seed: number };
    expect(experiment).toMatchObject({ name: 'joint', status: 'RUNNING', seed: 42, proposed: 0 });
    const events = await h.store.readStream(experimentStreamId(experiment.id));
    expect(events.map((event) => event.type)).toEqual(['ExperimentStarted']);
    expect(events[0]?.metadata.actor).toBe('otto');
    expect(events[0]?.metadata.correlationId).toBe(experiment.id);
  });

  it('cancels a running experiment once, then refuses with ILLEGAL_STATE', async () => {
    const id = await startExperimentDirectly(h.store);
    const cancel = 'mutation ($id: ID!) { cancelExperiment(id: $id, reason: "enough") { id status } }';
    const first = await h.gql(cancel, { id }, TOKENS.admin);
    expect(first.data?.['cancelExperiment']).toEqual({ id, status: 'CANCELLED' });
    const events = await h.store.readStream(experimentStreamId(id));
    expect(events.at(-1)).toMatchObject({
      type: 'ExperimentCancelled',
      data: { reason: 'enough' },
      metadata: { actor: 'ada' },
    });
    const second = await h.gql(cancel, { id }, TOKENS.admin);
    expect(second.errors?.[0]?.extensions?.['code']).toBe('ILLEGAL_STATE');
    expect(await h.store.readStream(experimentStreamId(id))).toHaveLength(2);
  });

  it('resumes an unfinished experiment by appending ExperimentResumed with the actor, and refuses an ended one', async () => {
    const id = await startExperimentDirectly(h.store);
    await appendCandidate(h.store, id, 0);
    const resume =
      'mutation ($id: ID!, $reason: String) { resumeExperiment(id: $id, reason: $reason) { id status proposed pruned } }';
    const result = await h.gql(resume, { id, reason: 'worker restarted' }, TOKENS.operator);
    expect(result.data?.['resumeExperiment']).toEqual({ id, status: 'RUNNING', proposed: 1, pruned: 1 });
    const events = await h.store.readStream(experimentStreamId(id));
    expect(events).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({
      type: 'ExperimentResumed',
      data: { experimentId: id, reason: 'worker restarted' },
      metadata: { correlationId: id },
    });
    expect(events.at(-1)?.metadata.actor).toBe('otto');

    await h.gql('mutation ($id: ID!) { cancelExperiment(id: $id) { id } }', { id }, TOKENS.admin);
    const refused = await h.gql(resume, { id }, TOKENS.operator);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('ILLEGAL_STATE');
    expect(await h.store.readStream(experimentStreamId(id))).toHaveLength(6);
  });

  it('pages through the raw events of an experiment with cursors', async () => {
    const id = await startExperimentDirectly(h.store);
    await appendCandidate(h.store, id, 0);
    await appendCandidate(h.store, id, 1);
    const query =
      'query ($id: ID!, $after: String) { events(experimentId: $id, first: 4, after: $after) { edges { cursor node { type revision metadata { actor } } } pageInfo { hasNextPage endCursor } } }';
    const page1 = await h.gql(query, { id }, TOKENS.viewer);
    const events1 = page1.data?.['events'] as {
      edges: Array<{ node: { revision: number } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(events1.edges.map((edge) => edge.node.revision)).toEqual([0, 1, 2, 3]);
    expect(events1.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.gql(query, { id, after: events1.pageInfo.endCursor }, TOKENS.viewer);
    const events2 = page2.data?.['events'] as typeof events1;
    expect(events2.edges.map((edge) => edge.node.revision)).toEqual([4, 5, 6]);
    expect(events2.pageInfo.hasNextPage).toBe(false);
  });

  it('redirects / to the GraphQL path and answers 404 elsewhere', async () => {
    const root = await fetch(h.server.url.replace('/graphql', '/'), { redirect: 'manual' });
    expect(root.status).toBe(302);
    const other = await fetch(h.server.url.replace('/graphql', '/nope'));
    expect(other.status).toBe(404);
  });
});

describe('an unconfigured server', () => {
  it('is open on loopback: a caller without a token acts as local admin', async () => {
    const h = await startHarness({ tokens: [] });
    try {
      expect(h.server.open).toBe(true);
      const result = await h.gql('mutation { startExperiment(config: {name: "open"}) { id } }');
      expect(result.errors).toBeUndefined();
      const [event] = await h.store.readAll();
      expect(event?.metadata.actor).toBe('local');
    } finally {
      await h.close();
    }
  });

  it('rejects an unknown token with 401 over HTTP and closes a WebSocket that presents one with 4403', async () => {
    const h = await startHarness({ tokens: [] });
    try {
      const guessed = await h.gql('mutation { startExperiment(config: {name: "guessed"}) { id } }', {}, 'any-guess');
      expect(guessed.status).toBe(401);
      expect(guessed.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      const basic = await fetch(h.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' },
        body: JSON.stringify({ query: '{ health { status } }' }),
      });
      expect(basic.status).toBe(401);
      expect(await h.store.readAll()).toEqual([]);
      const closed = await new Promise<number>((resolve) => {
        h.wsClient('any-guess').subscribe(
          { query: '{ health { status } }' },
          {
            next: () => resolve(0),
            error: (error) => resolve((error as { code?: number }).code ?? -1),
            complete: () => resolve(0),
          },
        );
      });
      expect(closed).toBe(4403);
    } finally {
      await h.close();
    }
  });

  it('refuses to listen on a non-loopback address without tokens', async () => {
    await expect(startHarness({ tokens: [], host: '0.0.0.0' })).rejects.toThrow(/COSEARCH_TOKENS/);
  });
});
