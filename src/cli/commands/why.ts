// `cosearch why <candidateId>`: the chain of causation from the candidate's final event back to ExperimentStarted.
import type { CommandModule } from 'yargs';
import { readOnlyStore, whyCandidate } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface WhyArgs extends StoreArgs {
  candidateId: string;
  experiment?: string;
}

export const whyCommand: CommandModule<object, WhyArgs> = {
  command: 'why <candidateId>',
  describe: 'explain a candidate: its causation chain back to ExperimentStarted, with log-probs and rewards',
  builder: (yargs) =>
    withStoreOptions(
      yargs
        .positional('candidateId', { type: 'string', demandOption: true })
        .option('experiment', { type: 'string', describe: 'experiment id (skips the scan of $all)' }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const result = await whyCandidate(
        readOnlyStore(store),
        args.candidateId,
        args.experiment === undefined ? {} : { experimentId: args.experiment },
      );
      if (args.json === true) {
        printJson(result);
        return 0;
      }
      console.log(
        `candidate ${result.candidateId} of experiment ${result.experimentId}${result.chosenAsBest ? ' — chosen as the best' : ''}`,
      );
      for (const s of result.chain) {
        console.log(
          `  ${String(s.position).padStart(8)}  ${s.type.padEnd(20)} ${s.linkedBy === 'stream-start' ? '(stream start) ' : ''}${s.summary}`,
        );
      }
      const rewards = result.priorRewards;
      const mean = rewards.length === 0 ? 0 : rewards.reduce((a, r) => a + r.reward, 0) / rewards.length;
      console.log(
        `before proposing it the controller had seen ${rewards.length} rewards (mean ${mean.toFixed(4)}) and ${result.priorPolicyUpdates} policy updates`,
      );
      return 0;
    }),
};
