// Read-model queries over HTTP against the real projections in the same SQLite file: pages, one row, the Pareto
// front, NOT_FOUND, and the hardware model as a service.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCandidate, appendTrainedCandidate, startExperimentDirectly } from './fixtures.js';
import { startHarness, TOKENS, type Harness } from './harness.js';

describe('read-model queries', () => {
  let h: Harness;
  let experimentId: string;
  let best: string;
  beforeAll(async () => {
    h = await startHarness({}, { withReadModels: true });
    experimentId = await startExperimentDirectly(h.store);
    await appendTrainedCandidate(h.store, experimentId, 0, 0.6, 20_000);
    best = await appendTrainedCandidate(h.store, experimentId, 1, 0.8, 25_000);
    await appendTrainedCandidate(h.store, experimentId, 2, 0.7, 30_000);
    await appendCandidate(h.store, experimentId, 3);
    await h.caughtUp();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists experiments with their counts and best candidate', async () => {
    const result = await h.gql(
      '{ experiments(first: 10) { totalCount edges { node { id status proposed pruned trained bestCandidateId bestAccuracy } } } }',
      undefined,
      TOKENS.viewer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['experiments']).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            id: experimentId,
            status: 'RUNNING',
            proposed: 4,
            pruned: 1,
            trained: 3,
            bestCandidateId: best,
            bestAccuracy: 0.8,
          },
        },
      ],
    });
  });

  it('pages candidates ordered by accuracy with a cursor', async () => {
    const query = `query ($id: ID!, $after: String) { candidates(experimentId: $id, filter: { feasible: true }, orderBy: { field: ACCURACY, descending: true }, first: 2, after: $after) {
      totalCount edges { node { index accuracy status hardware { luts feasible } trainingCurve { epoch valAccuracy } } } pageInfo { hasNextPage endCursor } } }`;
    const first = await h.gql(query, { id: experimentId }, TOKENS.viewer);
    const page1 = first.data?.['candidates'] as {
      totalCount: number;
      edges: Array<{ node: { index: number } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((edge) => edge.node.index)).toEqual([1, 2]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await h.gql(query, { id: experimentId, after: page1.pageInfo.endCursor }, TOKENS.viewer);
    const page2 = second.data?.['candidates'] as typeof page1;
    expect(page2.edges.map((edge) => edge.node.index)).toEqual([0]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('returns one experiment with its best candidate', async () => {
    const result = await h.gql(
      'query ($id: ID!) { experiment(id: $id) { id seed bestCandidate { id accuracy } } }',
      { id: experimentId },
      TOKENS.viewer,
    );
    expect(result.data?.['experiment']).toEqual({
      id: experimentId,
      seed: 7,
      bestCandidate: { id: best, accuracy: 0.8 },
    });
  });

  it('returns one candidate with its hardware and training curve', async () => {
    const result = await h.gql(
      'query ($id: ID!) { candidate(id: $id) { id status accuracy reward hardware { device luts } trainingCurve { epoch valAccuracy } } }',
      { id: best },
      TOKENS.viewer,
    );
    expect(result.data?.['candidate']).toEqual({
      id: best,
      status: 'TRAINED',
      accuracy: 0.8,
      reward: 0.8,
      hardware: { device: 'zynq7020', luts: 25_000 },
      trainingCurve: [{ epoch: 0, valAccuracy: 0.8 }],
    });
  });

  it('returns the Pareto front of accuracy against LUTs', async () => {
    const result = await h.gql(
      'query ($id: ID!) { paretoFront(experimentId: $id) { index } }',
      { id: experimentId },
      TOKENS.viewer,
    );
    expect((result.data?.['paretoFront'] as Array<{ index: number }>).map((c) => c.index).sort()).toEqual([0, 1]);
  });

  it('answers NOT_FOUND for an unknown experiment and candidate', async () => {
    const experiment = await h.gql('{ experiment(id: "nope") { id } }', undefined, TOKENS.viewer);
    expect(experiment.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const candidate = await h.gql('{ candidate(id: "nope") { id } }', undefined, TOKENS.viewer);
    expect(candidate.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('estimates a published design on a device, and rejects an invalid candidate naming the field', async () => {
    const cnv: unknown = JSON.parse(
      readFileSync(new URL('../../examples/candidates/finn-cnv-w1a1.json', import.meta.url), 'utf8'),
    );
    const query =
      'query ($c: JSON!, $d: String!) { hardwareEstimate(candidate: $c, device: $d, constraints: { maxLuts: 1000 }) { device luts throughputFps feasible violations { constraint limit } } }';
    const result = await h.gql(query, { c: cnv, d: 'zynq7020' }, TOKENS.viewer);
    expect(result.errors).toBeUndefined();
    const estimate = result.data?.['hardwareEstimate'] as {
      luts: number;
      feasible: boolean;
      violations: Array<{ constraint: string }>;
    };
    expect(estimate.luts).toBeGreaterThan(1000);
    expect(estimate.feasible).toBe(false);
    expect(estimate.violations.map((v) => v.constraint)).toContain('luts');
    const bad = await h.gql(query, { c: { layers: 'none' }, d: 'zynq7020' }, TOKENS.viewer);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'candidate' });
    const device = await h.gql(query, { c: cnv, d: 'abacus' }, TOKENS.viewer);
    expect(device.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'device' });
  });

  it('still takes the deprecated constraint names lutBudget and minThroughputFps, and refuses a disagreeing pair', async () => {
    const cnv: unknown = JSON.parse(
      readFileSync(new URL('../../examples/candidates/finn-cnv-w1a1.json', import.meta.url), 'utf8'),
    );
    const estimate = (constraints: string) =>
      h.gql(
        `query ($c: JSON!) { hardwareEstimate(candidate: $c, device: "zynq7020", constraints: ${constraints}) { violations { constraint limit } } }`,
        { c: cnv },
        TOKENS.viewer,
      );
    const limitsOf = (r: Awaited<ReturnType<typeof estimate>>) =>
      (r.data?.['hardwareEstimate'] as { violations: Array<{ constraint: string; limit: number }> }).violations;
    const named = await estimate('{ maxLuts: 1000, minFps: 100000 }');
    const aliased = await estimate('{ lutBudget: 1000, minThroughputFps: 100000 }');
    expect(named.errors).toBeUndefined();
    expect(limitsOf(named)).toEqual(limitsOf(aliased));
    expect(
      limitsOf(named)
        .map((v) => v.limit)
        .sort((a, b) => a - b),
    ).toEqual([1000, 100000]);
    const both = await estimate('{ maxLuts: 1000, lutBudget: 2000 }');
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'constraints.lutBudget' });
    expect(both.errors?.[0]?.message).toMatch(
      /constraints.maxLuts \(1000\) and its deprecated alias constraints.lutBudget \(2000\) disagree/,
    );
  });
});
