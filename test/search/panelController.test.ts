// The panel controller: the given designs become proposals in order (designs outside the space kept as given), the
// decider stops at the end of the panel, and the config refuses invalid designs and zero-cost conflicts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/search/config.js';
import { createController } from '../../src/search/controllers/factory.js';
import { decideNext } from '../../src/search/decide.js';
import { initialState } from '../../src/experiment/index.js';
import { resolveSpace } from '../../src/search/spaces.js';
import { createActionSpace, createRng, type Candidate } from '../../src/space/index.js';

const read = (name: string): Candidate =>
  JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}.json`, import.meta.url), 'utf8')) as Candidate;
const space = createActionSpace(resolveSpace('quick'));
const inSpace = space.decode(space.dims.map((d) => d.size - 1));
const designs = [
  { name: 'reference-4bit', candidate: read('reference-4bit') },
  { name: 'top-of-quick', candidate: inSpace },
];
const config = parseExperimentConfig({ space: 'quick', controller: { kind: 'panel', designs } });

describe('panel controller', () => {
  it('proposes exactly the given designs in order, with their nearest action vectors, log-probs 0 and a note naming each', async () => {
    const controller = createController(config, space);
    const rng = createRng(1);
    const proposals = [await controller.propose({ index: 0, rng }), await controller.propose({ index: 1, rng })];
    expect(proposals.map((p) => p.candidate)).toEqual(designs.map((d) => d.candidate));
    expect(proposals.map((p) => p.note)).toEqual(['panel design reference-4bit', 'panel design top-of-quick']);
    expect(proposals[0]?.actions).toEqual(space.encode(read('reference-4bit')));
    expect(proposals[1]?.actions).toEqual(space.dims.map((d) => d.size - 1));
    for (const p of proposals) expect(p.logProbs).toEqual(p.actions.map(() => 0));
    // The designs are chosen, not drawn: the experiment generator does not move.
    expect(rng.state().position).toBe(0);
  });

  it('proposes the same design for an index after a restore as before it', async () => {
    const a = createController(config, space);
    const learned = await a.learn([{ candidateId: 'c0', index: 0, actions: [], reward: 0.4, feasible: true }], 0);
    const b = createController(config, space);
    await b.restore(learned.checkpoint);
    expect(await b.propose({ index: 1, rng: createRng(9) })).toEqual(await a.propose({ index: 1, rng: createRng(1) }));
    expect(
      (await b.learn([{ candidateId: 'c1', index: 1, actions: [], reward: 0.4, feasible: true }], 1)).baseline,
    ).toBeCloseTo(0.4, 12);
  });

  it('refuses to propose past the end of the panel', async () => {
    await expect(createController(config, space).propose({ index: 2, rng: createRng(1) })).rejects.toThrow(
      /at most 2 proposals from a panel of 2 designs/,
    );
  });

  it('stops the experiment once every design is proposed, before budget.maxCandidates', () => {
    const state = initialState('e');
    state.status = 'running';
    expect(decideNext(state, config, 0)).toEqual({ type: 'ProposeCandidate', index: 0 });
    const done = {
      ...state,
      counts: { ...state.counts, proposed: 2, pruned: 2 },
      candidates: [0, 1].map((index) => ({ index, hardware: { feasible: false }, reward: -0.1 })),
    } as never;
    expect(decideNext(done, config, 0)).toEqual({ type: 'CompleteExperiment', reason: 'panel of 2 designs done' });
  });

  it('rejects a design the space module finds invalid, naming the design', () => {
    const bad = { input: { height: 32, width: 32, channels: 3, bits: 8 }, layers: [{ kind: 'conv', filters: 0 }] };
    expect(() =>
      parseExperimentConfig({ controller: { kind: 'panel', designs: [{ name: 'broken', candidate: bad }] } }),
    ).toThrow(/controller\.designs\.0\.candidate.*design 'broken'/);
  });

  it('rejects zero-cost scoring together with rules that read the score as an accuracy', () => {
    expect(() => parseExperimentConfig({ training: { zeroCost: 'naswot' }, budget: { targetAccuracy: 0.5 } })).toThrow(
      /budget\.targetAccuracy: a target accuracy cannot be used with training\.zeroCost 'naswot'/,
    );
    expect(() => parseExperimentConfig({ training: { zeroCost: 'naswot' }, finalTraining: { topK: 2 } })).toThrow(
      /finalTraining\.topK/,
    );
    expect(() => parseExperimentConfig({ training: { zeroCost: 'naswot', oracle: true } })).toThrow(/training\.oracle/);
    expect(parseExperimentConfig({ training: { zeroCost: 'naswot' } }).training.zeroCost).toBe('naswot');
  });
});
