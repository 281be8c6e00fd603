// Builds the controller an experiment config names. Seeds are derived from the experiment seed so two
// experiments with the same config and seed start from the same policy.
import type { Candidate, SearchActionSpace } from '../deps.js';
import { createPanelController } from './panel.js';
import type { ExperimentConfig } from '../config.js';
import type { Controller } from './controller.js';
import { createEvolutionController, type Member } from './evolution.js';
import { createRandomController } from './random.js';
import { createRlController } from './rl.js';
import { createSeparateController } from './separate.js';

/** Options of createController. */
export interface CreateControllerOptions {
  /** Hot start's initial population, already scored under this experiment's budget (see zoo.ts). */
  zoo?: readonly Member[];
}

/** The seed of the policy weights: a fixed offset of the experiment seed, separate from the proposal rng. */
export const policySeed = (seed: number): number => (seed ^ 0x5eed5eed) >>> 0;

export const createController = (
  config: ExperimentConfig,
  space: SearchActionSpace,
  options: CreateControllerOptions = {},
): Controller => {
  const c = config.controller;
  switch (c.kind) {
    case 'rl':
      return createRlController(space, { ...c, seed: policySeed(config.seed) });
    case 'random':
      return createRandomController(space);
    case 'evolution':
      return createEvolutionController(space, c);
    case 'separate':
      return createSeparateController(space, {
        hiddenSize: 100,
        embeddingSize: 32,
        learningRate: 0.01,
        baselineDecay: 0.9,
        seed: policySeed(config.seed),
        totalCandidates: config.budget.maxCandidates,
        architectureFraction: c.architectureFraction,
        topArchitectures: c.topArchitectures,
      });
    case 'hotstart':
      return createEvolutionController(space, {
        ...c,
        kind: 'hotstart',
        seeds: options.zoo ?? [],
        tournamentFromStart: true,
      });
    case 'panel':
      // parseExperimentConfig has checked every design with the space module's candidate validation.
      return createPanelController(
        space,
        c.designs.map((d) => ({ name: d.name, candidate: d.candidate as object as Candidate })),
      );
    default: {
      const unknownKind: never = c;
      return unknownKind;
    }
  }
};
