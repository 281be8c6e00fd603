// `cosearch dataset fetch|prepare|info`: download CIFAR-10 (where there is internet), decode a local
// directory/archive into the binary cache, and list what the cache holds.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { defaultDataDir, fetchCifar10, loadDataset, readCacheHeader } from '../../engine/index.js';
import { CosearchError } from '../../errors.js';
import { isVerbose, reportFailure } from '../failure.js';

interface DatasetArgs {
  action: string;
  name?: string;
  data?: string;
  dataDir?: string;
  url?: string;
  json?: boolean;
}

const prepare = async (source: string, dataDir: string, json: boolean): Promise<void> => {
  const { dataset, fromCache, cachePath, seconds } = await loadDataset(source, { dataDir });
  const summary = {
    source,
    cachePath,
    fromCache,
    seconds: Math.round(seconds * 100) / 100,
    classes: dataset.classes,
    trainImages: dataset.train.count,
    testImages: dataset.test.count,
    shape: [dataset.train.height, dataset.train.width, dataset.train.channels],
    sourceHash: dataset.sourceHash,
  };
  if (json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(`${fromCache ? 'cached' : 'decoded'} ${source} in ${summary.seconds} s → ${cachePath}`);
    console.log(
      `train ${summary.trainImages} images, test ${summary.testImages}, ${summary.shape.join('x')}, classes: ${dataset.classes.join(', ')}`,
    );
  }
};

const info = async (dataDir: string, json: boolean): Promise<void> => {
  const dir = join(dataDir, 'cache');
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.bin')).sort();
  const rows = [];
  for (const name of names) {
    const header = await readCacheHeader(join(dir, name));
    if (header) rows.push({ file: join(dir, name), bytes: (await stat(join(dir, name))).size, ...header });
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
  else if (rows.length === 0)
    console.log(`no cached datasets in ${dir}; run \`cosearch dataset prepare --data <dir|tar.gz>\``);
  else
    for (const r of rows)
      console.log(
        `${r.file}: train ${r.trainCount}, test ${r.testCount}, ${r.height}x${r.width}x${r.channels}, ${r.classes.length} classes, source sha256 ${r.sourceHash.slice(0, 16)}…`,
      );
};

export const datasetCommand: CommandModule<object, DatasetArgs> = {
  command: 'dataset <action> [name]',
  describe: 'fetch cifar10 | prepare --data <dir|tar.gz> (decode + cache) | info (list the cache)',
  builder: (yargs) =>
    yargs
      .positional('action', { type: 'string', choices: ['fetch', 'prepare', 'info'], demandOption: true })
      .positional('name', { type: 'string', describe: 'dataset to fetch (cifar10)' })
      .option('data', {
        type: 'string',
        describe: 'directory or .tar.gz: CIFAR-10 binary batches or train|test/<class>/*.jpg|png',
      })
      .option('data-dir', { type: 'string', describe: 'where the cache lives (default COSEARCH_DATA_DIR or ./data)' })
      .option('url', {
        type: 'string',
        describe: 'fetch: download from this mirror instead (the official MD5 is still checked)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
  handler: async (args) => {
    const dataDir = args.dataDir ?? defaultDataDir();
    try {
      if (args.action === 'fetch') {
        if ((args.name ?? 'cifar10') !== 'cifar10')
          throw new CosearchError('BAD_USER_INPUT', `only cifar10 can be fetched, but got '${args.name}'`);
        const path = await fetchCifar10({ dataDir, ...(args.url === undefined ? {} : { url: args.url }) });
        await prepare(path, dataDir, args.json === true);
      } else if (args.action === 'prepare') {
        if (!args.data) throw new CosearchError('BAD_USER_INPUT', 'dataset prepare needs --data <dir|tar.gz>');
        await prepare(args.data, dataDir, args.json === true);
      } else {
        await info(dataDir, args.json === true);
      }
    } catch (error) {
      reportFailure(error, { verbose: isVerbose() });
    }
  },
};
