// `cosearch rescore <experimentId> --max-luts N --min-fps N [--device D]`: re-evaluates every trained candidate
// with the hardware model under new constraints and records the result in a new rescoring-<id> stream.
import type { CommandModule } from 'yargs';
import { createHardwareRescoreEvaluator, rescoreExperiment } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface RescoreArgs extends StoreArgs {
  experimentId: string;
  maxLuts?: number;
  minFps?: number;
  device?: string;
  refold?: boolean;
}

export const rescoreCommand: CommandModule<object, RescoreArgs> = {
  command: 'rescore <experimentId>',
  describe: 'which trained designs of a finished experiment meet a new LUT / frame-rate budget, and which is best',
  builder: (yargs) =>
    withStoreOptions(
      yargs
        .positional('experimentId', { type: 'string', demandOption: true })
        .option('max-luts', { type: 'number', describe: "LUT budget (default: the device's)" })
        .option('min-fps', { type: 'number', describe: 'required throughput, images/s' })
        .option('device', { type: 'string', describe: "device preset of src/hardware (default: the experiment's)" })
        .option('refold', {
          type: 'boolean',
          default: false,
          describe: 're-choose PE×SIMD folding for --min-fps before checking',
        }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const constraints = {
        ...(args.device === undefined ? {} : { device: args.device }),
        ...(args.maxLuts === undefined ? {} : { maxLuts: args.maxLuts }),
        ...(args.minFps === undefined ? {} : { minFps: args.minFps }),
      };
      const result = await rescoreExperiment(store, args.experimentId, constraints, {
        evaluate: createHardwareRescoreEvaluator({ refold: args.refold === true }),
      });
      if (args.json === true) {
        printJson(result);
        return 0;
      }
      console.log(
        `re-scored ${result.candidates.length} trained candidates of ${result.experimentId} on ${result.constraints.device} ` +
          `(max LUTs ${args.maxLuts ?? 'device'}, min fps ${args.minFps ?? 0}) → stream ${result.streamId}`,
      );
      console.log(
        `${result.feasible.length} meet the budget; best: ${result.best === null ? 'none' : `${result.best.candidateId} accuracy ${result.best.accuracy} (${result.best.luts} LUTs, ${result.best.throughputFps.toFixed(1)} img/s)`}`,
      );
      for (const c of result.feasible)
        console.log(
          `  #${c.index} ${c.candidateId}  acc ${c.accuracy}  ${c.luts} LUTs  ${c.throughputFps.toFixed(1)} img/s`,
        );
      return 0;
    }),
};
