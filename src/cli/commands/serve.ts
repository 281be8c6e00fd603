// `cosearch serve`: the GraphQL API (HTTP and WebSocket on /graphql) over the chosen event store, with the
// projection runner and the search runner in-process. SIGTERM/SIGINT drain connections and close the store.
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { destination, pino } from 'pino';
import type { CommandModule } from 'yargs';
import { createApiServer, createReadThreads, loadTokens, loadWebAssets } from '../../api/index.js';
import { wireServices } from '../wiring.js';
import { CosearchError } from '../../errors.js';
import { createEventStore } from '../../store/index.js';

/** A bad command line or environment value: exit 2 with the cause in one line (README, exit codes). */
const badInput = (message: string): CosearchError => new CosearchError('BAD_USER_INPUT', message);

interface ServeArgs {
  store?: string;
  port?: number;
  'data-dir'?: string;
  host?: string;
  search?: boolean;
  workers?: number;
  'read-threads'?: number;
}

// Service logs are JSON lines (pino) on stderr, so they can be shipped as they are; level from COSEARCH_LOG_LEVEL.
const logger = pino({ name: 'cosearch', level: process.env['COSEARCH_LOG_LEVEL'] ?? 'info' }, destination(2));

const log = (message: string, error?: unknown): void => {
  if (error === undefined) logger.info(message);
  else logger.error({ err: error }, message);
};

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the GraphQL API (queries, mutations, subscriptions) and run projections and searches',
  builder: (yargs) =>
    yargs
      .option('store', {
        type: 'string',
        describe: 'event store URL (sqlite:FILE, postgres://…, kurrentdb://…); env COSEARCH_STORE',
      })
      .option('port', { type: 'number', describe: 'TCP port, 0 for any free one; env COSEARCH_PORT (default 4000)' })
      .option('data-dir', { type: 'string', describe: 'data directory; env COSEARCH_DATA_DIR (default ./data)' })
      .option('host', {
        type: 'string',
        describe:
          'bind address (default 127.0.0.1); a bare --host binds 0.0.0.0 and then requires tokens; env COSEARCH_HOST',
      })
      .option('search', {
        type: 'boolean',
        default: true,
        describe: 'run started experiments in this process; --no-search leaves them to `cosearch search`',
      })
      .option('read-threads', {
        type: 'number',
        describe:
          'worker threads that run auditExperiment and experimentAsOf off the event loop, each with its own store connection; 0: on the event loop; env COSEARCH_READ_THREADS (default 2, or 1 on a 1-core machine)',
      })
      .option('workers', {
        type: 'number',
        describe:
          "local worker processes for experiments with dispatch 'workers', started with the first one; 0: remote workers only; env COSEARCH_WORKERS (default one per core)",
      }),
  handler: async (args) => {
    const env = process.env;
    const dataDir = resolve(args['data-dir'] ?? env['COSEARCH_DATA_DIR'] ?? './data');
    const storeUrl = args.store ?? env['COSEARCH_STORE'] ?? `sqlite:${join(dataDir, 'cosearch.db')}`;
    const port = args.port ?? Number(env['COSEARCH_PORT'] ?? 4000);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw badInput(
        `--port (or COSEARCH_PORT) must be an integer 0..65535, but got ${String(args.port ?? env['COSEARCH_PORT'])}`,
      );
    const workers = args.workers ?? Number(env['COSEARCH_WORKERS'] ?? availableParallelism());
    if (!Number.isInteger(workers) || workers < 0)
      throw badInput(
        `--workers (or COSEARCH_WORKERS) must be an integer >= 0, but got ${String(args.workers ?? env['COSEARCH_WORKERS'])}`,
      );
    const readThreads =
      args['read-threads'] ?? Number(env['COSEARCH_READ_THREADS'] ?? Math.min(2, availableParallelism()));
    if (!Number.isInteger(readThreads) || readThreads < 0) {
      throw badInput(
        `--read-threads (or COSEARCH_READ_THREADS) must be an integer >= 0, but got ${String(args['read-threads'] ?? env['COSEARCH_READ_THREADS'])}`,
      );
    }
    const hostArg = args.host ?? env['COSEARCH_HOST'] ?? '127.0.0.1';
    const host = hostArg === '' ? '0.0.0.0' : hostArg;
    const production = env['NODE_ENV'] === 'production';
    const introspection = production
      ? env['COSEARCH_INTROSPECTION'] === 'true'
      : env['COSEARCH_INTROSPECTION'] !== 'false';
    if (storeUrl.startsWith('sqlite:')) mkdirSync(dataDir, { recursive: true });

    const web = loadWebAssets();
    if (web === undefined)
      log('the dashboard bundle (dist/web) is missing: `/` redirects to /graphql; run `npm run build` to build it');
    const store = await createEventStore(storeUrl);
    // An in-memory SQLite file exists only in this connection: its reads stay on the event loop.
    const streamReads =
      readThreads > 0 && !storeUrl.includes(':memory:')
        ? createReadThreads({ storeUrl, threads: readThreads })
        : undefined;
    const wired = await wireServices({ store, storeUrl, dataDir, runSearch: args.search !== false, workers, log });
    const server = await createApiServer({
      store,
      port,
      host,
      tokens: loadTokens(env),
      production,
      introspection,
      readModels: wired.readModels,
      hardware: wired.hardware,
      parseConfig: wired.parseConfig,
      log,
      ...(web === undefined ? {} : { web }),
      ...(streamReads === undefined ? {} : { streamReads }),
    }).catch(async (error: unknown) => {
      await Promise.all(wired.runners.map((runner) => runner.stop()));
      await store.close();
      throw error;
    });
    console.log(
      `cosearch API at ${server.url} (store ${store.kind}${server.open ? ', open: no tokens configured, loopback only' : ''})`,
    );
    logger.info(
      { url: server.url, store: store.kind, open: server.open, runners: wired.runners.map((runner) => runner.name) },
      'serving',
    );

    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: draining connections`);
      void (async () => {
        await server.stop();
        for (const runner of [...wired.runners].reverse())
          await runner.stop().catch((error: unknown) => log(`stopping ${runner.name}`, error));
        await store.close();
        process.exit(0);
      })().catch((error: unknown) => {
        log('shutdown failed', error);
        process.exit(1);
      });
    };
    // `on`, not `once`: a second signal during the drain must not fall back to the default action (exit 143).
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  },
};
