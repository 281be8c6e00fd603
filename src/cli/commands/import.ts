// `cosearch import bundle.tar.gz`: verifies a bundle (sha256, signature, hash chain) and appends its events,
// with their original ids, into the store; a tampered bundle is refused.
import type { CommandModule } from 'yargs';
import { importBundle } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface ImportArgs extends StoreArgs {
  bundle: string;
  allowUnsigned?: boolean;
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <bundle>',
  describe: 'verify and import an experiment bundle made by `cosearch export`',
  builder: (yargs) =>
    withStoreOptions(
      yargs.positional('bundle', { type: 'string', demandOption: true }).option('allow-unsigned', {
        type: 'boolean',
        default: false,
        describe: 'accept an unsigned bundle although COSEARCH_BUNDLE_KEY is set',
      }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const result = await importBundle(store, args.bundle, { allowUnsigned: args.allowUnsigned === true });
      if (args.json === true) printJson(result);
      else
        console.log(
          `imported ${result.events} events of experiment ${result.experimentId} (${result.signed ? 'signature verified' : 'unsigned'}, hash chain verified)`,
        );
      return 0;
    }),
};
