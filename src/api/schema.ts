// Builds the one GraphQL schema (type-graphql 2) that HTTP and WebSocket both serve, and prints its SDL.
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { EventResolver } from './resolvers/events.js';
import { HardwareResolver } from './resolvers/hardware.js';
import { MutationResolver } from './resolvers/mutations.js';
import { QueryResolver } from './resolvers/queries.js';

let built: Promise<GraphQLSchema> | undefined;

/** The schema; built once per process (type-graphql's metadata is global anyway). */
export const buildApiSchema = (): Promise<GraphQLSchema> => {
  built ??= buildSchema({
    resolvers: [QueryResolver, EventResolver, MutationResolver, HardwareResolver],
    // Inputs are checked by hand in the resolvers, with messages that name the field; class-validator is not used.
    validate: false,
  });
  return built;
};

/** The SDL, sorted so that it is stable across resolver order: what schema/schema.graphql holds. */
export const printApiSchema = async (): Promise<string> => `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
