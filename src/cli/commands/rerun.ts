// `cosearch rerun <experimentId>`: re-executes a finished experiment into a new one from recorded training
// results and compares every controller decision; exit 0 identical, 1 with the first divergence.
import type { CommandModule } from 'yargs';
import { rerunExperiment } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface RerunArgs extends StoreArgs {
  experimentId: string;
  seed?: number;
  as?: string;
}

export const rerunCommand: CommandModule<object, RerunArgs> = {
  command: 'rerun <experimentId>',
  describe:
    're-run a finished experiment from its recorded results and verify every controller decision (exit 1 on divergence)',
  builder: (yargs) =>
    withStoreOptions(
      yargs
        .positional('experimentId', { type: 'string', demandOption: true })
        .option('as', { type: 'string', describe: 'id of the new experiment (default: a random UUID)' })
        .option('seed', {
          type: 'number',
          describe: 'override the seed (a deliberate perturbation, to see a divergence)',
        }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const result = await rerunExperiment(store, args.experimentId, {
        ...(args.as === undefined ? {} : { rerunExperimentId: args.as }),
        ...(args.seed === undefined ? {} : { seed: args.seed }),
      });
      if (args.json === true) printJson(result);
      else if (result.identical) {
        console.log(
          `re-run ${result.rerunExperimentId} is identical to ${result.experimentId}: ${result.decisionsCompared} decisions match`,
        );
      } else {
        console.log(
          `re-run ${result.rerunExperimentId} diverges from ${result.experimentId}: ${result.firstDivergence?.message ?? ''}`,
        );
        console.log(
          `  original position ${result.firstDivergence?.originalPosition ?? '-'}, re-run position ${result.firstDivergence?.rerunPosition ?? '-'}`,
        );
      }
      if (result.unrecordedRequests > 0)
        console.log(`${result.unrecordedRequests} training/hardware requests had no recorded result`);
      return result.identical ? 0 : 1;
    }),
};
