// End-to-end over WebSocket (graphql-ws client): catch-up then live events, resume from a cursor after a
// disconnect with no gap and no duplicate, and progress snapshots.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendCandidate, startExperimentDirectly } from './fixtures.js';
import { startHarness, take, TOKENS, type Harness } from './harness.js';

const EVENTS =
  'subscription ($id: ID!, $after: String) { experimentEvents(id: $id, after: $after) { cursor revision type } }';
const PROGRESS =
  'subscription ($id: ID!, $after: String) { experimentProgress(id: $id, after: $after) { cursor eventType proposed pruned status } }';

interface EventResult {
  experimentEvents: { cursor: string; revision: number; type: string };
}

describe('subscriptions over graphql-ws', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('sends the past events of an experiment, then live ones appended to the store', async () => {
    const id = await startExperimentDirectly(h.store);
    await appendCandidate(h.store, id, 0);
    const received = take<EventResult>(h.wsClient(TOKENS.viewer), EVENTS, { id }, 7);
    setTimeout(() => void appendCandidate(h.store, id, 1), 50);
    const results = await received;
    expect(results.map((r) => r.experimentEvents.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('resumes after a disconnect mid-experiment from the last cursor with a gap-free sequence', async () => {
    const id = await startExperimentDirectly(h.store);
    const firstClient = h.wsClient(TOKENS.viewer);
    const firstBatch = take<EventResult>(firstClient, EVENTS, { id }, 4);
    await appendCandidate(h.store, id, 0);
    const seen = (await firstBatch).map((r) => r.experimentEvents);
    await firstClient.dispose();

    // The search keeps running while the client is away.
    await appendCandidate(h.store, id, 1);
    await appendCandidate(h.store, id, 2);
    const other = await startExperimentDirectly(h.store);
    await appendCandidate(h.store, other, 0);

    const cursor = seen.at(-1)?.cursor;
    const secondBatch = take<EventResult>(h.wsClient(TOKENS.viewer), EVENTS, { id, after: cursor }, 9);
    setTimeout(() => void appendCandidate(h.store, id, 3), 50);
    const resumed = (await secondBatch).map((r) => r.experimentEvents);
    const revisions = [...seen, ...resumed].map((event) => event.revision);
    expect(revisions).toEqual(Array.from({ length: 13 }, (_, i) => i));
    const cursors = [...seen, ...resumed].map((event) => Number(event.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
  });

  it('folds the whole stream into progress but sends only what follows the cursor', async () => {
    const id = await startExperimentDirectly(h.store);
    await appendCandidate(h.store, id, 0);
    await appendCandidate(h.store, id, 1);
    const results = await take<{
      experimentProgress: { eventType: string; proposed: number; pruned: number; status: string };
    }>(h.wsClient(TOKENS.viewer), PROGRESS, { id, after: '4' }, 3);
    expect(results.map((r) => r.experimentProgress)).toEqual([
      expect.objectContaining({ eventType: 'CandidateProposed', proposed: 2, pruned: 1, status: 'RUNNING' }),
      expect.objectContaining({ eventType: 'HardwareEvaluated', proposed: 2, pruned: 2 }),
      expect.objectContaining({ eventType: 'RewardAssigned', proposed: 2, pruned: 2 }),
    ]);
  });

  it('serves many subscribers of one experiment from one store subscription', async () => {
    const id = await startExperimentDirectly(h.store);
    const client = h.wsClient(TOKENS.viewer);
    const all = Promise.all(Array.from({ length: 20 }, () => take<EventResult>(client, EVENTS, { id }, 4)));
    setTimeout(() => void appendCandidate(h.store, id, 0), 50);
    for (const results of await all) expect(results.map((r) => r.experimentEvents.revision)).toEqual([0, 1, 2, 3]);
  });
});
