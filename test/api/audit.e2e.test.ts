// The audit views over HTTP on a real socket: replay as of a position, hash-chain audit, "why this candidate",
// re-scoring under a new budget (recorded in a rescoring stream with the token subject), and NOT_FOUND.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../src/audit/index.js';
import { experimentStreamId } from '../../src/events/index.js';
import { startHarness, TOKENS, type Harness } from './harness.js';

const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('audit queries and the rescore mutation', () => {
  let h: Harness;
  const experimentId = '5e1f0a2c-7d3b-4c1e-9a6f-0b8d2e4c6a10';
  let bestCandidateId: string;
  beforeAll(async () => {
    h = await startHarness();
    const designs = [example('small-8bit'), example('reference-8bit')];
    const { streamId, events } = syntheticExperiment({
      experimentId,
      candidates: 10,
      candidateFor: (i) => designs[i % 2] ?? {},
    });
    await h.store.append(streamId, events, 'no_stream');
    const completed = (await h.store.readStream(streamId)).find((e) => e.type === 'ExperimentCompleted');
    bestCandidateId = String((completed?.data as { bestCandidateId: string }).bestCandidateId);
  });
  afterAll(async () => {
    await h.close();
  });

  const codeOf = (result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown =>
    result.errors?.[0]?.extensions?.['code'];

  it('replays the whole experiment and, as of an earlier position, only what was known then', async () => {
    const query = `query ($id: ID!, $position: Int) { experimentAsOf(id: $id, position: $position) { experimentId status asOfPosition
      counts { events proposed pruned trained } bestAccuracy bestCandidateId bestCandidate leaderboard paretoFront timeline { points last } } }`;
    const full = await h.gql(query, { id: experimentId }, TOKENS.viewer);
    expect(full.errors).toBeUndefined();
    const state = full.data?.['experimentAsOf'] as {
      status: string;
      counts: Record<string, number>;
      bestCandidateId: string;
      leaderboard: unknown[];
      paretoFront: unknown[];
      timeline: { points: number };
    };
    expect(state.status).toBe('completed');
    expect(state.counts).toMatchObject({ proposed: 10, pruned: 2, trained: 8 });
    expect(state.bestCandidateId).toBe(bestCandidateId);
    expect(state.leaderboard).toHaveLength(8);
    expect(state.paretoFront.length).toBeGreaterThan(0);
    expect(state.timeline.points).toBe(10);

    const fifth = (await h.store.readStream(experimentStreamId(experimentId)))[4];
    const early = await h.gql(query, { id: experimentId, position: fifth?.position }, TOKENS.viewer);
    expect(early.errors).toBeUndefined();
    expect(early.data?.['experimentAsOf']).toMatchObject({
      status: 'running',
      asOfPosition: fifth?.position,
      counts: { events: 5, proposed: 1 },
    });
  });

  it('verifies the hash chain of an untouched experiment', async () => {
    const result = await h.gql(
      'query ($id: ID!) { auditExperiment(id: $id) { verified events faults { kind position revision message } } }',
      { id: experimentId },
      TOKENS.viewer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['auditExperiment']).toMatchObject({ verified: true, faults: [] });
  });

  it('explains the best candidate back to ExperimentStarted', async () => {
    const result = await h.gql(
      'query ($c: ID!) { whyCandidate(candidateId: $c) { experimentId chosenAsBest chain { type position details } } }',
      { c: bestCandidateId },
      TOKENS.viewer,
    );
    expect(result.errors).toBeUndefined();
    const why = result.data?.['whyCandidate'] as {
      experimentId: string;
      chosenAsBest: boolean;
      chain: Array<{ type: string; position: number }>;
    };
    expect(why.experimentId).toBe(experimentId);
    expect(why.chosenAsBest).toBe(true);
    expect(why.chain.at(-1)?.type).toBe('ExperimentStarted');
    expect(why.chain.map((step) => step.type)).toContain('CandidateProposed');
  });

  it('re-scores under a new budget, records it as the operator, and refuses a viewer', async () => {
    const mutation = `mutation ($id: ID!, $maxLuts: Int) { rescoreExperiment(id: $id, maxLuts: $maxLuts, device: "zynq7020") {
      rescoringId streamId evaluated feasible { candidateId luts } best { candidateId accuracy } candidates { luts feasible violations { constraint } } } }`;
    const denied = await h.gql(mutation, { id: experimentId, maxLuts: 1_000_000 }, TOKENS.viewer);
    expect(codeOf(denied)).toBe('FORBIDDEN');

    const loose = await h.gql(mutation, { id: experimentId, maxLuts: 1_000_000_000 }, TOKENS.operator);
    expect(loose.errors).toBeUndefined();
    const all = loose.data?.['rescoreExperiment'] as {
      streamId: string;
      evaluated: number;
      feasible: unknown[];
      best: { candidateId: string } | null;
      candidates: Array<{ luts: number }>;
    };
    expect(all.evaluated).toBe(8);
    expect(all.feasible).toHaveLength(8);
    expect(all.best?.candidateId).toBe(bestCandidateId);
    const recorded = await h.store.readStream(all.streamId);
    expect(recorded.map((e) => e.type)).toEqual([
      'RescoreStarted',
      ...Array<string>(8).fill('CandidateRescored'),
      'RescoreCompleted',
    ]);
    expect(recorded.every((e) => e.metadata.actor === 'otto')).toBe(true);

    const smallest = Math.min(...all.candidates.map((c) => c.luts));
    const tight = await h.gql(mutation, { id: experimentId, maxLuts: smallest }, TOKENS.operator);
    const some = tight.data?.['rescoreExperiment'] as {
      feasible: Array<{ luts: number }>;
      candidates: Array<{ feasible: boolean; violations: Array<{ constraint: string }> }>;
    };
    expect(some.feasible.length).toBeGreaterThan(0);
    expect(some.feasible.length).toBeLessThan(8);
    expect(some.feasible.every((c) => c.luts <= smallest)).toBe(true);
    expect(some.candidates.filter((c) => !c.feasible).every((c) => c.violations.length > 0)).toBe(true);
  });

  it('answers NOT_FOUND naming the argument for an unknown experiment or candidate', async () => {
    for (const query of ['{ experimentAsOf(id: "nope") { status } }', '{ auditExperiment(id: "nope") { verified } }']) {
      const result = await h.gql(query, undefined, TOKENS.viewer);
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(result.errors?.[0]?.extensions?.['field']).toBe('id');
    }
    const why = await h.gql('{ whyCandidate(candidateId: "nope") { experimentId } }', undefined, TOKENS.viewer);
    expect(codeOf(why)).toBe('NOT_FOUND');
    expect(why.errors?.[0]?.extensions?.['field']).toBe('candidateId');
    const rescore = await h.gql(
      'mutation { rescoreExperiment(id: "nope", maxLuts: 1000) { rescoringId } }',
      undefined,
      TOKENS.operator,
    );
    expect(codeOf(rescore)).toBe('NOT_FOUND');
  });

  it('rejects both position and time, and a non-positive LUT budget, with BAD_USER_INPUT', async () => {
    const both = await h.gql(
      'query ($id: ID!) { experimentAsOf(id: $id, position: 3, time: "2026-01-01T00:00:00Z") { status } }',
      { id: experimentId },
      TOKENS.viewer,
    );
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
    const budget = await h.gql(
      'mutation ($id: ID!) { rescoreExperiment(id: $id, maxLuts: 0) { rescoringId } }',
      { id: experimentId },
      TOKENS.operator,
    );
    expect(codeOf(budget)).toBe('BAD_USER_INPUT');
    expect(budget.errors?.[0]?.extensions?.['field']).toBe('maxLuts');
  });
});
