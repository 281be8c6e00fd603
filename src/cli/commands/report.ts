// `cosearch report <experimentId…>`: the comparison table (Markdown, or JSON with --json) and one accuracy-vs-LUTs
// SVG per LUT budget under --out, from the experiment streams alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import {
  readOnlyStore,
  readWholeStream,
  reportMarkdown,
  reportPoints,
  reportRows,
  reportSvg,
} from '../../audit/index.js';
import { CosearchError } from '../../errors.js';
import type { StoreArgs } from './auditCommon.js';
import { printJson, runWithStore, withStoreOptions } from './auditCommon.js';

interface ReportArgs extends StoreArgs {
  experimentIds?: string[];
  out: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report [experimentIds..]',
  describe: 'compare experiments: table per controller × budget and accuracy-vs-LUTs SVGs, from the event log alone',
  builder: (yargs) =>
    withStoreOptions(
      yargs.positional('experimentIds', { type: 'string', array: true }).option('out', {
        type: 'string',
        default: './report',
        describe: 'folder for the SVG plots (one per LUT budget)',
      }),
    ),
  handler: (args) =>
    runWithStore(args, async (store) => {
      const ids = (args.experimentIds ?? []).map(String);
      if (ids.length === 0)
        throw new CosearchError(
          'BAD_USER_INPUT',
          'report expects at least one experiment id, but got none; pass ids as in `cosearch report exp-a exp-b`',
        );
      const reader = readOnlyStore(store);
      const streams = [];
      for (const experimentId of ids) {
        const events = await readWholeStream(reader, `experiment-${experimentId}`);
        if (events.length === 0)
          throw new CosearchError(
            'NOT_FOUND',
            `report expects experiment '${experimentId}' in ${store.kind} store, but its stream experiment-${experimentId} is empty; check the id and --store`,
          );
        streams.push({ experimentId, events });
      }
      const rows = reportRows(streams);
      mkdirSync(args.out, { recursive: true });
      const files: string[] = [];
      for (const [maxLuts, points] of reportPoints(streams)) {
        const file = join(args.out, `accuracy-vs-luts-${maxLuts ?? 'unbounded'}.svg`);
        writeFileSync(file, reportSvg(points, maxLuts, `accuracy vs LUTs, budget ${maxLuts ?? 'none'} LUTs`));
        files.push(file);
      }
      if (args.json === true) printJson({ rows, plots: files });
      else {
        process.stdout.write(reportMarkdown(rows));
        console.log(`\nplots: ${files.join(', ')}`);
      }
      return 0;
    }),
};
