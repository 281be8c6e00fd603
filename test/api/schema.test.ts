// CI staleness check: the committed schema/schema.graphql must equal the SDL built from the resolvers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { printApiSchema } from '../../src/api/index.js';

describe('the committed GraphQL schema', () => {
  it('matches the SDL generated from the resolvers; run `npm run build && npm run schema` when it does not', async () => {
    const committed = readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8');
    expect(committed).toBe(await printApiSchema());
  });
});
