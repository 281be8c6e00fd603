// Input bounds over HTTP on a real socket (issue 19, finding 7): a 900 kB experiment name, id, cursor or reason is
// refused with BAD_USER_INPUT naming the argument, nothing is stored, and no error echoes the value whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKENS, type Harness } from './harness.js';

const huge = 'x'.repeat(900_000);

describe('input bounds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { withReadModels: true });
  });
  afterAll(async () => {
    await h.close();
  });

  const expectRefused = (result: Awaited<ReturnType<Harness['gql']>>, field: string): void => {
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(result.errors).length).toBeLessThan(2000);
    if (result.errors?.[0]?.extensions?.['field'] !== undefined)
      expect(result.errors[0].extensions['field']).toBe(field);
  };

  it('refuses a 900 kB experiment name and stores nothing', async () => {
    const result = await h.gql(
      'mutation ($config: JSON!) { startExperiment(config: $config) { id } }',
      { config: { name: huge } },
      TOKENS.operator,
    );
    expectRefused(result, 'config');
    expect(await h.store.readAll()).toEqual([]);
  });

  it('refuses a 300-character name inside a small config, naming the field', async () => {
    const result = await h.gql(
      'mutation ($config: JSON!) { startExperiment(config: $config) { id } }',
      { config: { name: 'n'.repeat(300) } },
      TOKENS.operator,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors?.[0]?.message).toContain('name');
    expect(await h.store.readAll()).toEqual([]);
  });

  it('refuses a 900 kB id with a message that cuts the echo', async () => {
    const result = await h.gql('query ($id: ID!) { experiment(id: $id) { id } }', { id: huge }, TOKENS.viewer);
    expectRefused(result, 'id');
    expect(result.errors?.[0]?.message).toMatch(
      /argument 'id' must be at most 128 characters, but got 900000 \('x{40}…' \(900000 characters\)\)/,
    );
  });

  it('refuses a 900 kB cursor, reason and audit head', async () => {
    const cursor = await h.gql(
      'query ($a: String) { experiments(after: $a) { totalCount } }',
      { a: huge },
      TOKENS.viewer,
    );
    expectRefused(cursor, 'after');
    const reason = await h.gql(
      'mutation ($r: String) { cancelExperiment(id: "e", reason: $r) { id } }',
      { r: huge },
      TOKENS.operator,
    );
    expectRefused(reason, 'reason');
    const head = await h.gql(
      'query ($h: String) { auditExperiment(id: "e", expectHead: $h) { verified } }',
      { h: huge },
      TOKENS.viewer,
    );
    expectRefused(head, 'expectHead');
  });

  it('cuts a graphql-js error that would echo a huge variable value', async () => {
    const result = await h.gql('query ($n: Int) { experiments(first: $n) { totalCount } }', { n: huge }, TOKENS.viewer);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors?.[0]?.message).toMatch(/… \(message cut at 1000 of \d{6,} characters\)$/);
    // The message and, in development, the stack's first line, each cut at 1000 characters.
    expect(JSON.stringify(result.errors).length).toBeLessThan(5000);
  });
});
