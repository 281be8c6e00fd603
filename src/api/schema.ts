// Builds the one GraphQL schema (type-graphql 2) that HTTP and WebSocket both serve, and prints its SDL.
import 'reflect-metadata';
// Every module of src/api imports 'graphql/index.js' rather than 'graphql': graphql 16 ships CJS (index.js) and ESM
// (index.mjs) copies, Node gives dependencies (type-graphql, graphql-ws, Apollo) the CJS one, and vitest would give
// our sources the ESM one; two copies mean "Cannot use GraphQLSchema from another module or realm".
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql/index.js';
import { buildSchema, type PubSub } from 'type-graphql';
import { inputBoundsMiddleware } from './inputBounds.js';
import { AuditResolver } from './resolvers/auditResolver.js';
import { EventResolver } from './resolvers/events.js';
import { ExperimentFieldResolver } from './resolvers/experimentFields.js';
import { HardwareResolver } from './resolvers/hardware.js';
import { MutationResolver } from './resolvers/mutations.js';
import { QueryResolver } from './resolvers/queries.js';

// type-graphql insists on a PubSub once subscriptions exist; ours all use `subscribe` (fed by the event store),
// so this one only explains itself if something ever reaches it.
const noPubSub: PubSub = {
  publish: () => {
    throw new Error('cosearch publishes through the event store, not a PubSub');
  },
  subscribe: () => {
    throw new Error('cosearch subscriptions follow the event store; use @Subscription({ subscribe })');
  },
};

let built: Promise<GraphQLSchema> | undefined;

/** The schema; built once per process (type-graphql's metadata is global anyway). */
export const buildApiSchema = (): Promise<GraphQLSchema> => {
  built ??= buildSchema({
    resolvers: [
      QueryResolver,
      ExperimentFieldResolver,
      EventResolver,
      MutationResolver,
      HardwareResolver,
      AuditResolver,
    ],
    // Inputs are checked by hand in the resolvers, with messages that name the field; class-validator is not used.
    validate: false,
    // Every argument within its documented maximum (src/api/inputBounds.ts) before any resolver sees it.
    globalMiddlewares: [inputBoundsMiddleware],
    pubSub: noPubSub,
  });
  return built;
};

/** The SDL, sorted so that it is stable across resolver order: what schema/schema.graphql holds. */
export const printApiSchema = async (): Promise<string> =>
  `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
