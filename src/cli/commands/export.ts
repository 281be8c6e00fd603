// `cosearch export <experimentId> -o bundle.tar.gz`: writes a bundle (events.jsonl + manifest.json), signed with
// HMAC-SHA256 when COSEARCH_BUNDLE_KEY is set.
import type { CommandModule } from 'yargs';
import { exportExperiment, readOnlyStore } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface ExportArgs extends StoreArgs {
  experimentId: string;
  out: string;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export <experimentId>',
  describe: 'export an experiment as a hashed (and, with COSEARCH_BUNDLE_KEY, signed) .tar.gz bundle',
  builder: (yargs) =>
    withStoreOptions(
      yargs.positional('experimentId', { type: 'string', demandOption: true }).option('out', {
        alias: 'o',
        type: 'string',
        demandOption: true,
        describe: 'bundle file to write, e.g. bundle.tar.gz',
      }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const { manifest } = await exportExperiment(readOnlyStore(store), args.experimentId, args.out);
      if (args.json === true) printJson({ file: args.out, manifest });
      else {
        console.log(
          `wrote ${args.out}: ${manifest.eventCount} events, last hash ${manifest.lastHash ?? '-'}, ${manifest.signature === undefined ? 'unsigned (set COSEARCH_BUNDLE_KEY to sign)' : 'signed'}`,
        );
        // The receipt: kept outside the store, it catches a later truncation or rewrite that also fixed the anchor.
        console.log(
          `receipt: head ${manifest.head ?? '-'} (check later: cosearch audit ${args.experimentId} --expect-head ${manifest.head ?? '-'})`,
        );
      }
      return 0;
    }),
};
