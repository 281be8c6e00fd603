// `cosearch replay <experimentId> [--until N|ISO]`: rebuilds the experiment's state from its events alone,
// through a read-only view of the store (nothing is appended, nothing retrained).
import type { CommandModule } from 'yargs';
import { parseReplayUntil, readOnlyStore, replayExperiment, searchControllerRebuild } from '../../audit/index.js';
import type { ControllerSummary, ExperimentReplayResult } from '../../audit/index.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface ReplayArgs extends StoreArgs {
  experimentId: string;
  until?: string;
  controller?: boolean;
}

const fmt = (x: number | undefined, digits = 4): string => (x === undefined ? '-' : x.toFixed(digits));

const printText = (r: ExperimentReplayResult): void => {
  console.log(
    `experiment ${r.experimentId} (${r.name ?? '?'}), seed ${r.seed ?? '?'}: ${r.status}${r.reason === null ? '' : ` (${r.reason})`}`,
  );
  console.log(`as of position ${r.asOf.position} (revision ${r.asOf.revision}, ${r.asOf.recordedAt ?? 'no events'})`);
  const c = r.counts;
  console.log(
    `events ${c.events}, proposed ${c.proposed}, pruned ${c.pruned}, trained ${c.trained}, rewarded ${c.rewarded}, policy updates ${c.policyUpdates}`,
  );
  if (r.policy !== null) console.log(`policy step ${r.policy.step}, baseline ${fmt(r.policy.baseline)}`);
  console.log('leaderboard (accuracy, LUTs, img/s):');
  for (const x of r.leaderboard)
    console.log(`  #${x.index} ${x.candidateId}  ${fmt(x.accuracy)}  ${x.luts ?? '-'}  ${fmt(x.throughputFps, 1)}`);
  console.log('Pareto front (LUTs ↑, accuracy ↑):');
  for (const x of r.paretoFront) console.log(`  ${x.luts ?? '-'} LUTs  ${fmt(x.accuracy)}  ${x.candidateId}`);
  const c2 = r.controller as ControllerSummary | undefined;
  if (c2 !== undefined) {
    console.log(
      `controller ${c2.kind ?? '?'}: ${c2.policySteps} policy steps, rng position ${c2.rngPosition}, next candidate #${c2.nextCandidateIndex}, ` +
        `${c2.checkpoint === null ? 'no checkpoint yet' : 'checkpoint restored from the last PolicyUpdated'}`,
    );
  }
};

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <experimentId>',
  describe: "rebuild an experiment's state (leaderboard, Pareto front, counts, timeline) from its events, read-only",
  builder: (yargs) =>
    withStoreOptions(
      yargs
        .positional('experimentId', { type: 'string', demandOption: true })
        .option('until', {
          type: 'string',
          describe: 'stop at this global position (integer) or ISO-8601 time, inclusive',
        })
        .option('controller', {
          type: 'boolean',
          default: true,
          describe: 'rebuild the controller state too (--no-controller skips it)',
        }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const options = {
        ...(args.until === undefined ? {} : { until: parseReplayUntil(args.until) }),
        ...(args.controller === false ? {} : { controller: searchControllerRebuild(args.experimentId) }),
      };
      const result = await replayExperiment(readOnlyStore(store), args.experimentId, options);
      if (args.json === true) printJson(result);
      else printText(result);
      return 0;
    }),
};
