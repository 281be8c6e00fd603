// The only place where errors become GraphQL errors: CosearchError.code → extensions.code, Apollo's and graphql-js's
// own client-error codes → BAD_USER_INPUT, anything else → INTERNAL (message hidden in production).
import { GraphQLError, type GraphQLFormattedError } from 'graphql/index.js';
import { isCosearchError, type ErrorCode } from '../errors.js';

const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
const OUR_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'ILLEGAL_STATE',
  'CONSTRAINT_VIOLATED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'INTERNAL',
] satisfies ErrorCode[]);

export interface FormatErrorOptions {
  /** Hide the message and details of INTERNAL errors. */
  production: boolean;
  /** Called with every INTERNAL error, for the server log. */
  onInternal?: (error: unknown) => void;
}

const originalOf = (error: unknown): unknown => {
  let current = error;
  // Resolver errors arrive wrapped in a GraphQLError (sometimes twice, by Apollo and by graphql-js).
  while (current instanceof GraphQLError && current.originalError !== undefined && current.originalError !== current) {
    current = current.originalError;
  }
  return current;
};

/** Longest message sent: graphql-js and Apollo echo bad variable values whole, which can be up to the body limit. */
export const MAX_ERROR_MESSAGE_CHARS = 1000;

const cut = (text: string): string =>
  text.length <= MAX_ERROR_MESSAGE_CHARS ? text : `${text.slice(0, MAX_ERROR_MESSAGE_CHARS)}…`;

/** Maps a formatted error (as Apollo or graphql-ws would send it) plus its source error to our codes; cuts its message. */
export const formatApiError = (
  formatted: GraphQLFormattedError,
  error: unknown,
  options: FormatErrorOptions,
): GraphQLFormattedError => {
  const mapped = mapApiError(formatted, error, options);
  const stack = mapped.extensions?.['stacktrace'];
  const long = mapped.message.length > MAX_ERROR_MESSAGE_CHARS;
  const longStack =
    Array.isArray(stack) && stack.some((line) => typeof line === 'string' && line.length > MAX_ERROR_MESSAGE_CHARS);
  if (!long && !longStack) return mapped;
  return {
    ...mapped,
    message: long
      ? `${cut(mapped.message)} (message cut at ${MAX_ERROR_MESSAGE_CHARS} of ${mapped.message.length} characters)`
      : mapped.message,
    // Development responses carry the stack, whose first line repeats the message.
    ...(longStack
      ? {
          extensions: {
            ...mapped.extensions,
            stacktrace: (stack as unknown[]).map((line) => (typeof line === 'string' ? cut(line) : line)),
          },
        }
      : {}),
  };
};

const mapApiError = (
  formatted: GraphQLFormattedError,
  error: unknown,
  { production, onInternal }: FormatErrorOptions,
): GraphQLFormattedError => {
  const original = originalOf(error);
  const base = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (!(original instanceof GraphQLError) && isCosearchError(original) && OUR_CODES.has(original.code)) {
    const details = (original as { details?: Record<string, unknown> }).details;
    if (original.code === 'INTERNAL') onInternal?.(original);
    const hide = production && original.code === 'INTERNAL';
    return {
      ...base,
      message: hide ? 'internal error; the server log has the details' : original.message,
      extensions: { code: original.code, ...(!hide && details ? details : {}) },
    };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    return {
      ...base,
      message: formatted.message,
      extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', reason: code },
    };
  }
  if (typeof code === 'string' && OUR_CODES.has(code) && code !== 'INTERNAL') {
    return { ...base, message: formatted.message, extensions: { ...formatted.extensions, code } };
  }
  onInternal?.(original);
  return {
    ...base,
    message: production ? 'internal error; the server log has the details' : formatted.message,
    extensions: { code: 'INTERNAL' },
  };
};
