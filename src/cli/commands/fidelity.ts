// `cosearch fidelity --config study.json [--store URL] [--data DIR|TAR.GZ] [--shard K/N] [--report] [--json]`: runs
// (or resumes) a fidelity study, one panel experiment per fidelity (per shard of the panel with --shard), then prints
// the rank-correlation table recomputed from their events (every shard's, pooled).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CommandModule } from 'yargs';
import { hasErrorCode, isCosearchError } from '../../errors.js';
import {
  createEngineTrainer,
  createHardwareEvaluator,
  fidelityExperimentIds,
  fidelityTable,
  formatFidelityTable,
  parseShard,
  parseStudyConfig,
  loggedPanel,
  runStudy,
  shardPanel,
  studyPanel,
} from '../../search/index.js';
import { validateCandidate } from '../../space/index.js';
import { createEventStore, defaultStoreUrl } from '../../store/index.js';

interface FidelityArgs {
  config: string;
  store?: string;
  data?: string;
  shard?: string;
  report?: boolean;
  json?: boolean;
}

const readJson = async (path: string, what: string): Promise<unknown> => {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `cannot read the ${what} '${path}': ${error instanceof Error ? error.message : String(error)}; pass a JSON file such as examples/fidelity-tiny.json`,
    );
  }
};

export const fidelityCommand: CommandModule<object, FidelityArgs> = {
  command: 'fidelity',
  describe:
    'run a fidelity study (a fixed panel of designs at several fidelities) and print how each ranks the designs like the reference (resumable)',
  builder: (yargs) =>
    yargs
      .option('config', {
        type: 'string',
        demandOption: true,
        describe: 'study config JSON (see examples/fidelity-tiny.json)',
      })
      .option('store', {
        type: 'string',
        describe: 'event store URL (default $COSEARCH_STORE or sqlite:<data dir>/cosearch.db)',
      })
      .option('data', { type: 'string', describe: 'dataset dir or .tar.gz; overrides dataset.path of the study' })
      .option('shard', {
        type: 'string',
        describe:
          'K/N: train only part K of the panel split N ways (balanced by MACs), so N processes share the study; the table pools all N',
      })
      .option('report', {
        type: 'boolean',
        default: false,
        describe: 'train nothing: print the table of what the store holds (with --shard, of its N shards)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the table as JSON, no progress lines' }),
  handler: async (args) => {
    let store;
    const abort = new AbortController();
    const onSigint = (): void => abort.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    const started = Date.now();
    try {
      const raw = { ...((await readJson(args.config, 'study config')) as Record<string, unknown>) };
      if (args.data !== undefined) raw.dataset = { ...((raw.dataset as object | undefined) ?? {}), path: args.data };
      const study = parseStudyConfig(raw);
      const extras = await Promise.all(
        study.panel.extras.map(async (path) => ({
          name: basename(path, '.json'),
          candidate: validateCandidate(await readJson(path, 'candidate')),
        })),
      );
      const panel = studyPanel(study, extras);
      const shard = args.shard === undefined ? undefined : parseShard(args.shard);
      const designs = shard === undefined ? panel : shardPanel(panel, shard);
      store = await createEventStore(args.store ?? defaultStoreUrl());
      const log = (line: string): void => {
        if (args.json !== true) console.log(line);
      };
      const logged = await loggedPanel(store, study, shard);
      const scored = logged ?? designs;
      log(
        `study ${study.id}: ${panel.length} designs (${study.panel.count} sampled, ${panel.length - study.panel.count} of ${extras.length} extras feasible), ${study.fidelities.length} fidelities${shard === undefined ? '' : `; shard ${shard.index}/${shard.count}`}${logged === undefined ? '' : `; scoring the panel logged in the store (${logged.length} designs)`}: ${scored.map((d) => d.name).join(', ')}`,
      );
      const ids =
        args.report === true
          ? []
          : await runStudy({
              store,
              study,
              designs,
              ...(shard === undefined ? {} : { shard }),
              hardware: createHardwareEvaluator,
              actor: 'cli',
              signal: abort.signal,
              trainer: (config) => createEngineTrainer(config, args.data === undefined ? {} : { dataPath: args.data }),
              onFidelity: ({ fidelity, experimentId, summary }) =>
                log(
                  summary === undefined
                    ? `fidelity ${fidelity.name}: experiment ${experimentId}…`
                    : `fidelity ${fidelity.name}: ${summary.status}, ${summary.trained} designs scored (${((Date.now() - started) / 1000).toFixed(0)} s since start)`,
                ),
            });
      const table = await fidelityTable(
        store,
        study.fidelities.map((f) => fidelityExperimentIds(study, f, shard?.count)),
      );
      const wallSeconds = (Date.now() - started) / 1000;
      if (args.json === true)
        console.log(
          JSON.stringify(
            {
              study: study.id,
              designs: panel.length,
              ...(shard === undefined ? {} : { shard: `${shard.index}/${shard.count}`, shardDesigns: designs.length }),
              experiments: ids,
              ...table,
              wallSeconds,
            },
            null,
            2,
          ),
        );
      else
        console.log(
          `\nagainst the reference ${table.reference} (${wallSeconds.toFixed(0)} s):\n${formatFidelityTable(table)}`,
        );
      if (abort.signal.aborted)
        console.log(
          `interrupted; resume with: cosearch fidelity --config ${args.config}${args.shard === undefined ? '' : ` --shard ${args.shard}`}`,
        );
      process.exitCode = 0;
    } catch (error) {
      console.error(
        isCosearchError(error)
          ? `${error.code}: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error),
      );
      process.exitCode = hasErrorCode(error, 'BAD_USER_INPUT') ? 2 : 1;
    } finally {
      process.off('SIGINT', onSigint);
      await store?.close();
    }
  },
};
