// startExperiment's config check. The composition root wires the search module's parseExperimentConfig (which also
// checks a panel's designs in the space module); without it (tests, a partial build) the stored shape's own schema
// checks the config (src/events/experimentConfig.ts), so there is one schema either way, never a second validator.
import { CosearchError } from '../errors.js';
import { ExperimentConfigShape, parseConfigWith, type ExperimentConfig } from '../events/index.js';
import type { ParsedExperimentConfig } from './context.js';

/** Adapts a parser that returns the full config (with `name` and `seed`) to what startExperiment needs. */
export const adaptConfigParser =
  (parse: (raw: unknown) => ExperimentConfig) =>
  (raw: unknown): ParsedExperimentConfig => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `argument 'config' must be a JSON object, but got ${JSON.stringify(raw)}`,
        { field: 'config' },
      );
    }
    try {
      const parsed = parse(raw);
      return { name: parsed.name, seed: parsed.seed, config: parsed };
    } catch (error) {
      // Name the first offending field (`config.budget.maxCandidates`) in extensions.field, as every input error does.
      const issues = (error as { details?: { issues?: Array<{ path?: unknown }> } }).details?.issues;
      const path = issues?.[0]?.path;
      if (error instanceof CosearchError && typeof path === 'string') {
        throw new CosearchError(error.code, error.message, {
          ...error.details,
          field: path === '' ? 'config' : `config.${path}`,
        });
      }
      throw error;
    }
  };

/** The config check without the search module: the stored shape's schema and defaults. */
export const parseConfigMinimal = adaptConfigParser((raw) => parseConfigWith(ExperimentConfigShape, raw));
