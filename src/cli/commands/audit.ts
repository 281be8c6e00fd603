// `cosearch audit <experimentId>`: verifies the experiment stream's hash chain; exit 0 verified, 1 with faults.
import type { CommandModule } from 'yargs';
import { auditExperiment, readOnlyStore } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface AuditArgs extends StoreArgs {
  experimentId: string;
}

export const auditCommand: CommandModule<object, AuditArgs> = {
  command: 'audit <experimentId>',
  describe: 'verify an experiment\'s hash chain; names every edited, missing or reordered event by position (exit 1 on faults)',
  builder: (yargs) => withStoreOptions(yargs.positional('experimentId', { type: 'string', demandOption: true })),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const result = await auditExperiment(readOnlyStore(store), args.experimentId);
      if (args.json === true) printJson(result);
      else {
        console.log(`${result.streamId}: ${result.events} events, ${result.verified ? 'hash chain verified' : `${result.faults.length} fault(s)`}`);
        if (result.lastHash !== null) console.log(`last hash ${result.lastHash}`);
        for (const f of result.faults) console.log(`  ${f.kind.padEnd(9)} position ${f.position} revision ${f.revision}: ${f.message}`);
      }
      return result.verified ? 0 : 1;
    }),
};
