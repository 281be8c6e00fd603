// Controllers in isolation: the Pareto front, evolution's mutation, the RL policy's checkpoint round trip and learning.
import { describe, expect, it } from 'vitest';
import { createPolicy, createRlController, mutate, oracleAccuracy, paretoFront } from '../../src/search/index.js';
import { createActionSpace, createRng, QUICK_SPACE, QNAS_SPACE, validateCandidate } from '../../src/space/index.js';

describe('controllers', () => {
  it('keeps exactly the non-dominated points on the Pareto front', () => {
    const front = paretoFront([
      { candidateId: 'a', index: 0, accuracy: 0.8, luts: 100, throughputFps: 10 },
      { candidateId: 'b', index: 1, accuracy: 0.7, luts: 50, throughputFps: 10 },
      { candidateId: 'c', index: 2, accuracy: 0.7, luts: 120, throughputFps: 5 },
      { candidateId: 'd', index: 3, accuracy: 0.6, luts: 50, throughputFps: 20 },
    ]);
    expect(front.map((p) => p.candidateId)).toEqual(['a', 'b', 'd']);
  });

  it('decodes every sampled action vector of the qnas space into a valid candidate', () => {
    const space = createActionSpace(QNAS_SPACE);
    const rng = createRng(3);
    for (let i = 0; i < 50; i++) {
      const actions = space.dims.map((d) => rng.nextInt(d.size));
      expect(() => validateCandidate(space.decode(actions))).not.toThrow();
      expect(space.encode(space.decode(actions)).filter((_, j) => space.usedDims(actions)[j])).toEqual(
        actions.filter((_, j) => space.usedDims(actions)[j]),
      );
    }
  });

  it('mutates at least one used dimension of the parent', () => {
    const space = createActionSpace(QUICK_SPACE);
    const rng = createRng(5);
    const parent = space.dims.map(() => 0);
    for (let i = 0; i < 20; i++) expect(mutate(space, parent, 0, rng)).not.toEqual(parent);
  });

  it('restores an RL policy checkpoint so the next samples are identical', async () => {
    const space = createActionSpace(QUICK_SPACE);
    const options = { hiddenSize: 16, embeddingSize: 8, learningRate: 0.05, baselineDecay: 0.9, seed: 1 };
    const a = createRlController(space, options);
    const rng = createRng(9);
    const children = [];
    for (let i = 0; i < 5; i++) children.push((await a.propose({ index: i, rng })).actions);
    const learned = await a.learn(
      children.map((actions, i) => ({ candidateId: `c${i}`, index: i, actions, reward: i / 5, feasible: true })),
      0,
    );
    const b = createRlController(space, { ...options, seed: 99 });
    await b.restore(JSON.parse(JSON.stringify(learned.checkpoint)));
    const next = rng.state();
    expect((await b.propose({ index: 5, rng: createRng(next) })).actions).toEqual(
      (await a.propose({ index: 5, rng: createRng(next) })).actions,
    );
    a.dispose();
    b.dispose();
  });

  it('raises the probability of a rewarded action vector with REINFORCE', async () => {
    const space = createActionSpace(QUICK_SPACE);
    const policy = createPolicy(space.dims, { hiddenSize: 16, embeddingSize: 8, learningRate: 0.01, seed: 2 });
    const rng = createRng(1);
    const sampled = [];
    for (let i = 0; i < 5; i++) sampled.push(await policy.sample(rng));
    const good = sampled[0]?.actions ?? [];
    const before = await policy.logProb(good);
    for (let step = 0; step < 5; step++) {
      await policy.update(
        sampled.map((s, i) => ({
          actions: s.actions,
          used: s.actions.map(() => true),
          advantage: i === 0 ? 0.8 : -0.2,
        })),
      );
    }
    expect(await policy.logProb(good)).toBeGreaterThan(before + 0.5);
    expect(oracleAccuracy(space.decode(good))).toBeGreaterThan(0.1);
    policy.dispose();
  });
});
