// Typed store errors. WrongExpectedRevisionError is the optimistic-concurrency conflict every backend throws.
import { CosearchError } from '../errors.js';
import type { ExpectedRevision } from './eventStore.js';

/** The stream was not at the revision the writer expected. Code CONFLICT; reload the stream and retry. */
export class WrongExpectedRevisionError extends CosearchError {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  /** Last revision of the stream when the append ran, or 'no_stream'. */
  readonly actual: number | 'no_stream';

  constructor(streamId: string, expected: ExpectedRevision, actual: number | 'no_stream') {
    super(
      'CONFLICT',
      `expected stream '${streamId}' to be at revision ${String(expected)}, but it is at ${String(actual)}. ` +
        'Another writer appended first: read the stream again, decide again, and retry the append.',
      { streamId, expected, actual },
    );
    this.name = 'WrongExpectedRevisionError';
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Guard by code and fields (not instanceof), so an error rebuilt from `{code, details}` still matches. */
export const isWrongExpectedRevisionError = (error: unknown): error is WrongExpectedRevisionError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'CONFLICT' &&
  typeof (error as { streamId?: unknown }).streamId === 'string';

/** Throws WrongExpectedRevisionError unless `expected` matches the stream's last revision (-1: no stream). */
export const assertExpectedRevision = (streamId: string, expected: ExpectedRevision, lastRevision: number): void => {
  if (expected === 'any') return;
  const actual = lastRevision < 0 ? 'no_stream' : lastRevision;
  if (expected === 'no_stream' ? lastRevision >= 0 : expected !== lastRevision) {
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }
};
