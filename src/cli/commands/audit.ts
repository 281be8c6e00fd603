// `cosearch audit <experimentId>`: verifies the experiment stream's hash chain; exit 0 verified, 1 with faults.
import type { CommandModule } from 'yargs';
import { auditExperiment, readOnlyStore } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface AuditArgs extends StoreArgs {
  experimentId: string;
  expectHead?: string;
}

export const auditCommand: CommandModule<object, AuditArgs> = {
  command: 'audit <experimentId>',
  describe:
    "verify an experiment's hash chain and anchor; names every edited, missing, reordered, moved or truncated event (exit 1 on faults)",
  builder: (yargs) =>
    withStoreOptions(
      yargs.positional('experimentId', { type: 'string', demandOption: true }).option('expect-head', {
        type: 'string',
        describe: 'a head saved earlier (printed by export and audit); a stream without it is a fault',
      }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const result = await auditExperiment(
        readOnlyStore(store),
        args.experimentId,
        args.expectHead === undefined ? {} : { expectHead: args.expectHead },
      );
      if (args.json === true) printJson(result);
      else {
        console.log(
          `${result.streamId}: ${result.events} events, ${result.verified ? 'hash chain verified' : `${result.faults.length} fault(s)`}`,
        );
        if (result.lastHash !== null) console.log(`last hash ${result.lastHash}`);
        if (result.head !== null) console.log(`head ${result.head} (save it; check later with --expect-head)`);
        if (!result.anchored)
          console.log('this store keeps no anchors: truncation and moved positions cannot be detected');
        else if (result.unsealedEvents > 0)
          console.log(
            `${result.unsealedEvents} event(s) written before anchors: their global positions are not sealed`,
          );
        if (result.expectedHeadRevision !== null && result.expectedHeadRevision < result.events - 1) {
          console.log(
            `expected head found at revision ${result.expectedHeadRevision}; ${result.events - 1 - result.expectedHeadRevision} event(s) appended since`,
          );
        }
        for (const f of result.faults)
          console.log(`  ${f.kind.padEnd(9)} position ${f.position} revision ${f.revision}: ${f.message}`);
      }
      return result.verified ? 0 : 1;
    }),
};
