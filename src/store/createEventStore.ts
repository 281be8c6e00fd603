// Store selection by URL: sqlite:<file> (the default, under COSEARCH_DATA_DIR), postgres://…, kurrentdb://… / esdb://….
import { join } from 'node:path';
import { CosearchError } from '../errors.js';
import type { EventStore } from './eventStore.js';
import { PostgresEventStore } from './postgresStore.js';
import { SqliteEventStore } from './sqliteStore.js';

/** Options passed to whichever backend the URL selects; each backend ignores what it does not use. */
export interface CreateEventStoreOptions {
  /** PostgreSQL schema for the event tables; also settable as `?schema=` in the URL. @default 'public' */
  schema?: string;
  /** Longest sleep of a caught-up subscription, in ms. @default 50 (sqlite), 500 (postgres) */
  pollIntervalMs?: number;
  /**
   * Read check: `true` upcasts and validates events stored at another schemaVersion and trusts events at the current
   * one (append validated them); `'strict'` re-validates every event; `false` returns events as stored. @default true
   */
  validateOnRead?: boolean | 'strict';
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
  /** SQLite write-lock wait, in ms. @default 10000 */
  busyTimeoutMs?: number;
}

/** The URL used when none is given: $COSEARCH_STORE, else `sqlite:<$COSEARCH_DATA_DIR or ./data>/cosearch.db`. */
export const defaultStoreUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  env.COSEARCH_STORE !== undefined && env.COSEARCH_STORE !== ''
    ? env.COSEARCH_STORE
    : `sqlite:${join(env.COSEARCH_DATA_DIR !== undefined && env.COSEARCH_DATA_DIR !== '' ? env.COSEARCH_DATA_DIR : './data', 'cosearch.db')}`;

/** The file of a `sqlite:` URL: `sqlite:./data/x.db`, `sqlite:///abs/x.db` and `sqlite::memory:` are accepted. */
export const sqliteFileFromUrl = (url: string): string => {
  const rest = url.slice('sqlite:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
};

const without = (connectionString: string, key: string): { url: string; value: string | undefined } => {
  const parsed = new URL(connectionString);
  const value = parsed.searchParams.get(key) ?? undefined;
  parsed.searchParams.delete(key);
  return { url: parsed.toString(), value };
};

/** Opens the store a URL names (migrations are applied on open). @default url defaultStoreUrl() */
export const createEventStore = async (
  url: string = defaultStoreUrl(),
  options: CreateEventStoreOptions = {},
): Promise<EventStore> => {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const shared = {
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.validateOnRead === undefined ? {} : { validateOnRead: options.validateOnRead }),
  };
  switch (scheme) {
    case 'sqlite':
      return new SqliteEventStore(sqliteFileFromUrl(url), {
        ...shared,
        ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      });
    case 'postgres':
    case 'postgresql': {
      const { url: connectionString, value: schema } = without(url, 'schema');
      const chosen = options.schema ?? schema;
      return PostgresEventStore.open(connectionString, {
        ...shared,
        ...(chosen === undefined ? {} : { schema: chosen }),
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
      });
    }
    case 'kurrentdb':
    case 'kurrentdb+discover':
    case 'esdb':
    case 'esdb+discover': {
      // Loaded on demand: the gRPC client adds ~0.5 s to the start of every process that never uses it.
      const { KurrentDbEventStore } = await import('./kurrentdbStore.js');
      return new KurrentDbEventStore(url, shared);
    }
    default:
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected a store URL starting with sqlite:, postgres://, kurrentdb:// or esdb://, but got '${url}'. ` +
          'Example: sqlite:./data/cosearch.db (set COSEARCH_STORE or pass --store).',
      );
  }
};
