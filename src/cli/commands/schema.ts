// `cosearch schema`: prints the GraphQL SDL built from the resolvers, or writes it (schema/schema.graphql in CI).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommandModule } from 'yargs';
import { printApiSchema } from '../../api/index.js';

interface SchemaArgs {
  out?: string;
}

export const schemaCommand: CommandModule<object, SchemaArgs> = {
  command: 'schema',
  describe: 'Print the GraphQL schema (SDL) built from the resolvers',
  builder: (yargs) =>
    yargs.option('out', {
      type: 'string',
      describe: 'write to this file instead of stdout, e.g. schema/schema.graphql',
    }),
  handler: async (args) => {
    const sdl = await printApiSchema();
    if (args.out === undefined) {
      process.stdout.write(sdl);
      return;
    }
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, sdl);
    console.log(`wrote ${args.out}`);
  },
};
