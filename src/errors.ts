// The one error base of cosearch. `code` is the same string the GraphQL layer puts in `extensions.code`.
// Guards check `code`, never `instanceof`, so an error rebuilt from a worker's {code, message} still matches.

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ILLEGAL_STATE'
  | 'CONSTRAINT_VIOLATED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INTERNAL';

export class CosearchError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CosearchError';
    this.code = code;
    this.details = details;
  }
}

export const isCosearchError = (error: unknown): error is { code: ErrorCode; message: string } =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { code?: unknown }).code === 'string' &&
  typeof (error as { message?: unknown }).message === 'string';

export const hasErrorCode = (error: unknown, code: ErrorCode): boolean => isCosearchError(error) && error.code === code;

/**
 * A value cut for an error message: at most `maxChars` characters in quotes, with an ellipsis and the full length
 * when longer, so a 900 kB input is never echoed back whole.
 */
export const cutForEcho = (value: string, maxChars = 40): string =>
  value.length <= maxChars ? `'${value}'` : `'${value.slice(0, maxChars)}…' (${value.length} characters)`;
