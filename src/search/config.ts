// The experiment config as a user writes it: the events module's schema (src/events/experimentConfig.ts, the shape
// ExperimentStarted stores) plus the checks that need the space module, and parseExperimentConfig, which turns zod
// issues into one CosearchError that says how to fix them.
import { ExperimentConfigShape, parseConfigWith, type ExperimentConfig } from '../events/index.js';
import { candidateIssues } from './deps.js';

export {
  BudgetConfig,
  ControllerConfig,
  DatasetConfig,
  DeviceConfig,
  FinalTrainingConfig,
  MultiFidelityConfig,
  SpaceConfig,
  TrainingConfig,
} from '../events/index.js';
export type { ControllerParams, ExperimentConfig, ExperimentConfigInput, MultiFidelity } from '../events/index.js';

/** What a user may start: the stored shape, and a panel's designs valid in the space module. */
export const ExperimentConfigSchema = ExperimentConfigShape.superRefine((c, ctx) => {
  if (c.controller.kind !== 'panel') return;
  c.controller.designs.forEach((d, i) => {
    for (const issue of candidateIssues(d.candidate)) {
      ctx.addIssue({
        code: 'custom',
        path: ['controller', 'designs', i, 'candidate', ...(issue.path === '' ? [] : [issue.path])],
        message: `design '${d.name}': ${issue.message}`,
      });
    }
  });
});

/**
 * Validates an experiment config (parsed JSON) and fills in defaults. Throws CosearchError BAD_USER_INPUT whose
 * message lists each problem as `path: expected …, but got …`.
 */
export const parseExperimentConfig = (input: unknown): ExperimentConfig =>
  parseConfigWith(ExperimentConfigSchema, input);

/** The candidate count each controller proposes per policy update. */
export const childrenPerEpisode = (config: ExperimentConfig): number => config.controller.childrenPerEpisode;

/** How an experiment's trainings run: its `dispatch`, else workers when it works ahead, else the loop's own process. */
export const dispatchOf = (config: ExperimentConfig): 'local' | 'workers' =>
  config.dispatch ?? ((config.episodesAhead ?? 0) > 0 ? 'workers' : 'local');

/**
 * A new experiment's config with `dispatch` filled in: workers when it trains for real or works ahead
 * (`episodesAhead`), else the loop itself for the oracle.
 */
export const withDefaultDispatch = (config: ExperimentConfig): ExperimentConfig =>
  config.dispatch !== undefined
    ? config
    : { ...config, dispatch: config.training.oracle ? dispatchOf(config) : 'workers' };
