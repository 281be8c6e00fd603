// Pins the action layout that experiment logs record: for every preset and controller, the first CandidateProposed
// action vectors of a fixed seed, and the encoding's layout, equal the values the search produced before its action
// space moved into src/space (fixtures/pinnedActions.ts). A failure here means recorded experiments no longer replay.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPACE_PRESETS, createActionSpace, type Candidate } from '../../src/space/index.js';
import { openStore, quickConfig, runOracle, tempStoreUrl } from './fixtures/harness.js';
import { PINNED } from './fixtures/pinnedActions.js';

const sha256 = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const example = (name: string): Candidate =>
  JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}`, import.meta.url), 'utf8')) as Candidate;
const examples = ['finn-cnv-w1a1.json', 'reference-8bit.json', 'small-8bit.json'].map(example);

describe('recorded action layout', () => {
  for (const [preset, pinned] of Object.entries(PINNED)) {
    it(`keeps the dims, encoding, uniform quantization and architecture mask of the ${preset} space`, () => {
      const space = createActionSpace(SPACE_PRESETS[preset] ?? expect.unreachable(`no preset ${preset}`));
      expect(space.dims).toHaveLength(pinned.dims);
      expect(sha256(space.dims)).toBe(pinned.dimsDigest);
      expect(space.architectureDims.map((b) => (b ? '1' : '0')).join('')).toBe(pinned.architectureDims);
      expect(examples.map((c) => space.encode(c))).toEqual(pinned.encode);
      expect(
        [0, 1, 2].map((level) =>
          space.withUniformQuant(
            space.dims.map(() => 0),
            level,
          ),
        ),
      ).toEqual(pinned.uniform);
    });

    for (const kind of ['rl', 'random', 'evolution', 'separate'] as const) {
      it(`proposes the recorded action vectors for seed 7 in the ${preset} space (${kind})`, async () => {
        const store = await openStore(tempStoreUrl());
        await runOracle(
          store,
          'pin',
          quickConfig({ space: preset, controller: { kind } as never, budget: { maxCandidates: 8 } }),
        );
        const proposed = (await store.readStream('experiment-pin'))
          .filter((e) => e.type === 'CandidateProposed')
          .map((e) => e.data as { actions: number[]; logProbs: number[]; candidate: unknown });
        await store.close();
        expect(proposed.slice(0, 3).map((p) => p.actions)).toEqual(pinned.proposals[kind].actions);
        expect(sha256(proposed.map((p) => [p.actions, p.logProbs, p.candidate]))).toBe(pinned.proposals[kind].digest);
      });
    }
  }
});
