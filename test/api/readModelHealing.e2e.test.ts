// A dropped read-model table over HTTP on a real socket (issue 19, finding 4): health says degraded and names it,
// rebuildProjection recreates and refolds it, and candidates answer again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/store/index.js';
import { appendTrainedCandidate, startExperimentDirectly } from './fixtures.js';
import { startHarness, TOKENS, type Harness } from './harness.js';

describe('a dropped read-model table', () => {
  let h: Harness;
  let experimentId: string;
  beforeAll(async () => {
    h = await startHarness({}, { withReadModels: true });
    experimentId = await startExperimentDirectly(h.store);
    await appendTrainedCandidate(h.store, experimentId, 0, 0.6, 20_000);
    await h.caughtUp();
  });
  afterAll(async () => {
    await h.close();
  });

  const health = '{ health { status problems projections { name state position lag } } }';
  const candidates = 'query ($id: ID!) { candidates(experimentId: $id) { totalCount } }';

  it('is reported by health as degraded, then recreated and refolded by rebuildProjection', async () => {
    const before = await h.gql(health);
    expect(before.data?.['health']).toMatchObject({
      status: 'ok',
      problems: [],
      projections: [
        { name: 'experiments', state: 'live', lag: 0 },
        { name: 'candidates', state: 'live', lag: 0 },
        { name: 'workers', state: 'live', lag: 0 },
      ],
    });
    if (!(h.store instanceof SqliteEventStore)) throw new Error('expected the SQLite harness');
    h.store.db.exec('DROP TABLE read_candidates');

    const broken = await h.gql(health);
    expect(broken.data?.['health']).toMatchObject({
      status: 'degraded',
      problems: ['read_candidates: missing (no such table)'],
    });

    const rebuilt = await h.gql(
      'mutation { rebuildProjection(name: "candidates") { name position } }',
      {},
      TOKENS.admin,
    );
    expect(rebuilt.errors).toBeUndefined();
    const answer = await h.gql(candidates, { id: experimentId }, TOKENS.viewer);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['candidates']).toEqual({ totalCount: 1 });
    expect((await h.gql(health)).data?.['health']).toMatchObject({ status: 'ok', problems: [] });
  });
});
