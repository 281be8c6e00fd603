// Regularized (aging) evolution (Real et al. 2019): tournament selection from a FIFO population, one forced
// mutation plus per-dim mutations; the oldest member dies. Hot start seeds the population from the model zoo.
import type { Rng, SearchActionSpace } from '../deps.js';
import {
  movingAverage,
  sampleUniform,
  type ChildResult,
  type Controller,
  type LearnResult,
  type ProposeContext,
  type Proposal,
} from './controller.js';

/** A member of the population: who it is, its actions and the reward it earned. */
export interface Member {
  candidateId: string;
  actions: number[];
  reward: number;
}

/** Options of regularized evolution. */
export interface EvolutionOptions {
  /** FIFO population size. @default 20 */
  populationSize: number;
  /** Tournament size. @default 5 */
  sampleSize: number;
  /** Probability of mutating each other dim. @default 0.05 */
  mutationRate: number;
  /** Members known before the search starts (hot start); they count towards the population. */
  seeds?: readonly Member[];
  /** Recorded as CandidateProposed.controller. @default 'evolution' */
  kind?: string;
  /** Mutate from the first member on instead of filling the population randomly (hot start). @default false */
  tournamentFromStart?: boolean;
}

/** Mutates `parent`: one used dim always changes, every used dim also changes with probability `rate`. */
export const mutate = (space: SearchActionSpace, parent: readonly number[], rate: number, rng: Rng): number[] => {
  const used = space.usedDims(parent);
  const mutable = space.dims.map((d, i) => (used[i] === true && d.size > 1 ? i : -1)).filter((i) => i >= 0);
  const child = [...parent];
  const change = (i: number): void => {
    const size = space.dims[i]?.size ?? 1;
    // Draw among the other values so a forced mutation always changes something.
    const offset = 1 + rng.nextInt(size - 1);
    child[i] = ((child[i] ?? 0) + offset) % size;
  };
  if (mutable.length > 0) change(mutable[rng.nextInt(mutable.length)] ?? 0);
  for (const i of mutable) if (rng.next() < rate) change(i);
  return child;
};

export const createEvolutionController = (space: SearchActionSpace, options: EvolutionOptions): Controller => {
  let population: Member[] = [...(options.seeds ?? [])].slice(-options.populationSize);
  let baseline: number | undefined;
  const kind = options.kind ?? 'evolution';
  return {
    kind,
    async propose(context: ProposeContext): Promise<Proposal> {
      const filling =
        options.tournamentFromStart === true ? population.length === 0 : population.length < options.populationSize;
      if (filling) return { ...sampleUniform(space, context.rng), note: 'initial population' };
      let best: Member | undefined;
      for (let s = 0; s < options.sampleSize; s++) {
        const member = population[context.rng.nextInt(population.length)];
        if (member !== undefined && (best === undefined || member.reward > best.reward)) best = member;
      }
      const parent = best ?? population[0];
      if (parent === undefined) return sampleUniform(space, context.rng);
      const actions = mutate(space, parent.actions, options.mutationRate, context.rng);
      return { actions, logProbs: space.dims.map(() => 0), note: `mutation of ${parent.candidateId}` };
    },
    async learn(results: readonly ChildResult[]): Promise<LearnResult> {
      population = [
        ...population,
        ...results.map((r) => ({ candidateId: r.candidateId, actions: [...r.actions], reward: r.reward })),
      ];
      // Aging: the oldest members die, whatever their fitness.
      population = population.slice(Math.max(0, population.length - options.populationSize));
      baseline = movingAverage(
        baseline,
        results.map((r) => r.reward),
        0.9,
      );
      return { baseline, checkpoint: { baseline, population } };
    },
    async restore(checkpoint: unknown): Promise<void> {
      const c = checkpoint as { baseline?: number; population?: Member[] } | undefined;
      baseline = c?.baseline;
      population = Array.isArray(c?.population)
        ? c.population.map((m) => ({ ...m, actions: [...m.actions] }))
        : population;
    },
    dispose: () => undefined,
  };
};
