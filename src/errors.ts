// The one error base of cosearch. `code` is the same string the GraphQL layer puts in `extensions.code`.
// Only our own classes are trusted: CosearchError and its subclasses, and the pure folders' SpaceError and
// HardwareError (space and hardware import nothing of ours, so they carry the code themselves). An error from a
// library or from Node (`EADDRINUSE`, a pg `23505`) also has a string `code`, and is never taken for ours. An error
// that crosses a thread travels as {code, message} and is rebuilt as a CosearchError on arrival (workers/trainPool,
// api/readThreads).
import { HardwareError } from './hardware/index.js';
import { SpaceError } from './space/index.js';

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

/** True for an instance of one of our error classes, whatever its code. */
export const isCosearchError = (error: unknown): error is CosearchError | SpaceError | HardwareError =>
  error instanceof CosearchError || error instanceof SpaceError || error instanceof HardwareError;

export const hasErrorCode = (error: unknown, code: ErrorCode): boolean => isCosearchError(error) && error.code === code;

/**
 * A value cut for an error message: at most `maxChars` characters in quotes, with an ellipsis and the full length
 * when longer, so a 900 kB input is never echoed back whole.
 */
export const cutForEcho = (value: string, maxChars = 40): string =>
  value.length <= maxChars ? `'${value}'` : `'${value.slice(0, maxChars)}…' (${value.length} characters)`;
