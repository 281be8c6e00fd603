// The space module's own error type. space imports nothing of ours, so it carries the shared `code` string
// (BAD_USER_INPUT) itself; src/errors.ts's isCosearchError knows this class.

/** One problem found in a candidate or a search space, located by layer index and field. */
export interface SpaceIssue {
  /** JSON path of the offending value, e.g. `layers[2].kernelSize`. */
  path: string;
  /** Layer index, when the problem sits in one layer. */
  layer?: number;
  /** Field name, e.g. `kernelSize`. */
  field?: string;
  /** What was expected, what arrived, and how to fix it. */
  message: string;
  /** The allowed values, when the field has a closed list. */
  allowed?: readonly (number | string | boolean)[];
}

/** Thrown for invalid candidates and invalid search spaces. `code` is always `BAD_USER_INPUT`. */
export class SpaceError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly issues: readonly SpaceIssue[];

  constructor(message: string, issues: readonly SpaceIssue[] = []) {
    super(message);
    this.name = 'SpaceError';
    this.issues = issues;
  }
}

/** Builds a SpaceError whose message lists every issue (at most 10, then a count). */
export const spaceErrorFromIssues = (what: string, issues: readonly SpaceIssue[]): SpaceError => {
  const shown = issues.slice(0, 10).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > 10 ? `; and ${issues.length - 10} more` : '';
  return new SpaceError(`invalid ${what}: ${shown.join('; ')}${more}`, issues);
};

/** True for any error carrying the space module's code (also one rebuilt from a worker's {code, message}). */
export const isSpaceError = (error: unknown): error is { code: 'BAD_USER_INPUT'; message: string } =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'BAD_USER_INPUT';
