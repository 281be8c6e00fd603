// The one error mapping: CosearchError codes pass through, Apollo's client codes become BAD_USER_INPUT, anything
// else is INTERNAL with its message hidden in production.
import { GraphQLError } from 'graphql/index.js';
import { describe, expect, it } from 'vitest';
import { formatApiError } from '../../src/api/errorFormat.js';
import { CosearchError } from '../../src/errors.js';

const wrap = (original: Error): GraphQLError =>
  new GraphQLError(original.message, { originalError: original, path: ['cancelExperiment'] });

describe('formatApiError', () => {
  it('passes a CONFLICT from the store through with its details', () => {
    const error = wrap(new CosearchError('CONFLICT', 'expected revision 3', { streamId: 'experiment-x' }));
    expect(formatApiError(error.toJSON(), error, { production: true })).toMatchObject({
      message: 'expected revision 3',
      path: ['cancelExperiment'],
      extensions: { code: 'CONFLICT', streamId: 'experiment-x' },
    });
  });

  it("maps Apollo's validation failures to BAD_USER_INPUT and keeps the original code as reason", () => {
    const error = new GraphQLError('Cannot query field "nope"', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(formatApiError(error.toJSON(), error, { production: false }).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });

  it('hides the message of an unexpected error in production and logs it', () => {
    const logged: unknown[] = [];
    const error = wrap(new TypeError('x is undefined'));
    const formatted = formatApiError(error.toJSON(), error, { production: true, onInternal: (e) => logged.push(e) });
    expect(formatted).toMatchObject({
      message: 'internal error; the server log has the details',
      extensions: { code: 'INTERNAL' },
    });
    expect(logged).toHaveLength(1);
    expect(formatApiError(error.toJSON(), error, { production: false }).message).toBe('x is undefined');
  });
});
