// The fallback experiment-config check used when the search module's parseExperimentConfig is not wired in
// (tests, a partial build): an object, an optional non-empty `name`, an optional integer `seed`.
import { CosearchError } from '../errors.js';
import type { ParsedExperimentConfig } from './context.js';

export const parseConfigMinimal = (raw: unknown): ParsedExperimentConfig => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `argument 'config' must be a JSON object, but got ${JSON.stringify(raw)}`,
      { field: 'config' },
    );
  }
  const config = { ...(raw as Record<string, unknown>) };
  const name = config['name'] ?? 'experiment';
  if (typeof name !== 'string' || name === '') {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `config.name must be a non-empty string, but got ${JSON.stringify(name)}`,
      { field: 'config.name' },
    );
  }
  const seed = config['seed'] ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new CosearchError('BAD_USER_INPUT', `config.seed must be an integer, but got ${JSON.stringify(seed)}`, {
      field: 'config.seed',
    });
  }
  return { name, seed, config: { ...config, name, seed } };
};

/** Adapts a parser that returns the full config (with `name` and `seed`) to what startExperiment needs. */
export const adaptConfigParser =
  (parse: (raw: unknown) => { name: string; seed: number }) =>
  (raw: unknown): ParsedExperimentConfig => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return parseConfigMinimal(raw);
    try {
      const parsed = parse(raw);
      return { name: parsed.name, seed: parsed.seed, config: { ...parsed } };
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
