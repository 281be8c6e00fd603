// The page's only link to cosearch: GraphQL over HTTP (queries, mutations) and graphql-ws (subscriptions) on the same
// origin, with the token kept in sessionStorage. Errors keep their extensions.code.
import { createClient, type Client } from 'graphql-ws';

const TOKEN_KEY = 'cosearch.token';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const token = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (value: string | null): void => {
  if (value === null || value === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
  client?.dispose();
  client = undefined;
};

interface GraphQLError {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** One query or mutation; throws GraphQLRequestError with the first error's code. */
export const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const t = token();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(t === null ? {} : { authorization: `Bearer ${t}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLError[] };
  const first = body.errors?.[0];
  if (first !== undefined)
    throw new GraphQLRequestError(first.message, first.extensions?.code ?? 'INTERNAL', first.extensions?.field);
  return body.data as T;
};

let client: Client | undefined;
const socket = (): Client => {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      const t = token();
      return t === null ? {} : { authToken: t };
    },
    // A server restart closes the socket: reconnect for ever, with graphql-ws's backoff.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    lazy: true,
  });
  return client;
};

/**
 * Follows a subscription. After a reconnect graphql-ws sends the subscription again with its first variables, so
 * the server replays from that cursor; `onNext` sees each position once because the caller skips what it has seen.
 */
export const subscribe = <T>(
  query: string,
  variables: Record<string, unknown>,
  onNext: (data: T) => void,
  onError: (error: Error) => void,
): (() => void) =>
  socket().subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors !== undefined && result.errors.length > 0)
          onError(
            new GraphQLRequestError(
              result.errors[0]?.message ?? 'error',
              String(result.errors[0]?.extensions?.code ?? 'INTERNAL'),
            ),
          );
        else if (result.data !== undefined && result.data !== null) onNext(result.data as T);
      },
      error: (error) =>
        onError(error instanceof Error ? error : new Error(String((error as { reason?: string }).reason ?? error))),
      complete: () => undefined,
    },
  );
