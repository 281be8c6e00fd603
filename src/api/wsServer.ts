// graphql-ws over `ws` on the HTTP server's port and path. Authenticates connectionParams.authToken, applies the
// same validation rules and limits as HTTP, and maps errors with the same formatter.
import type { Server } from 'node:http';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql/index.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator, Principal } from './auth.js';
import type { ApiContext, ApiServices } from './context.js';
import { formatApiError, type FormatErrorOptions } from './errorFormat.js';
import { complexityError, depthLimitRule } from './limits.js';

export interface WsServerOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  services: ApiServices;
  authenticate: Authenticator;
  introspection: boolean;
  format: FormatErrorOptions;
  /** @default '/graphql' */
  path?: string;
}

/** Starts graphql-ws; returns a dispose function that closes every socket and the ws server. */
export const startWsServer = ({
  httpServer,
  schema,
  services,
  authenticate,
  introspection,
  format,
  path = '/graphql',
}: WsServerOptions) => {
  const wsServer = new WebSocketServer({ server: httpServer, path, maxPayload: services.limits.maxBodyBytes });
  const rules = [
    ...specifiedRules,
    depthLimitRule(services.limits.maxDepth),
    ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const principals = new WeakMap<object, Principal | null>();
  const formatAll = (errors: readonly GraphQLError[]) =>
    errors.map((error) => formatApiError(error.toJSON(), error, format));

  const cleanup = useServer(
    {
      schema,
      onConnect: (ctx) => {
        const token = ctx.connectionParams?.['authToken'];
        if (token !== undefined && typeof token !== 'string') return false;
        try {
          principals.set(ctx, authenticate(token));
          return true;
        } catch {
          // An unknown token closes the socket with 4403 Forbidden; a missing one is checked per operation.
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        const variables = payload.variables ?? undefined;
        const tooComplex = complexityError(
          schema,
          document,
          variables,
          payload.operationName ?? undefined,
          services.limits,
        );
        if (tooComplex !== undefined) return [tooComplex];
        const contextValue: ApiContext = { principal: principals.get(ctx) ?? null, services };
        return {
          schema,
          document,
          variableValues: variables,
          operationName: payload.operationName ?? null,
          contextValue,
        };
      },
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors === undefined ? undefined : { ...result, errors: formatAll(result.errors) },
    },
    wsServer,
  );
  return async (): Promise<void> => {
    await cleanup.dispose();
  };
};
