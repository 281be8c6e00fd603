// Opens the read-model database that goes with a store URL (same SQLite file, same PostgreSQL schema, or a
// SQLite file in the data dir for KurrentDB), applies the read-model migrations, and wires runner + queries.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CosearchError } from '../errors.js';
import {
  applyPostgresMigrations,
  applySqliteMigrations,
  defaultStoreUrl,
  migrationsDir,
  sqliteFileFromUrl,
  type EventStore,
} from '../store/index.js';
import { createWorkersProjection } from './workers.js';
import { createCandidatesProjection } from './candidates.js';
import { createExperimentsProjection } from './experiments.js';
import { createPostgresDatabase } from './postgresDatabase.js';
import type { Projection } from './projection.js';
import { createReadModelQueries } from './queries.js';
import {
  createProjectionRunner,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
} from './runner.js';
import type { SqlDatabase } from './sqlDatabase.js';
import { createSqliteDatabase } from './sqliteDatabase.js';
import type { ReadModelQueries } from './views.js';
import {
  checkReadModelSchema,
  isReadModelMigration,
  repairReadModelSchema,
  type ReadModelSchemaProblem,
} from './readModelSchema.js';

/** Options of {@link openReadModelDatabase}. */
export interface ReadModelDatabaseOptions {
  /** Store URL the read models accompany. @default defaultStoreUrl() ($COSEARCH_STORE or sqlite:<dataDir>/cosearch.db) */
  storeUrl?: string;
  /** Folder for the read-model SQLite file of a KurrentDB store. @default $COSEARCH_DATA_DIR or ./data */
  dataDir?: string;
  /** PostgreSQL schema; else `?schema=` of the URL, else 'public'. */
  schema?: string;
}

/**
 * Opens (and migrates) the SQL database holding the read models of the store at `storeUrl`, and recreates any
 * read-model table that is missing or wrong-shaped (the runner then refolds it from the log).
 */
export const openReadModelDatabase = async (options: ReadModelDatabaseOptions = {}): Promise<SqlDatabase> => {
  const database = await openMigratedDatabase(options);
  try {
    await repairReadModelSchema(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
};

const openMigratedDatabase = async (options: ReadModelDatabaseOptions): Promise<SqlDatabase> => {
  const url = options.storeUrl ?? defaultStoreUrl();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const parsed = new URL(url);
    const schema = options.schema ?? parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: parsed.toString() });
    await client.connect();
    try {
      await applyPostgresMigrations(client, migrationsDir('postgres'), { schema, filter: isReadModelMigration });
    } finally {
      await client.end();
    }
    return createPostgresDatabase({ connectionString: parsed.toString(), schema });
  }
  let file: string;
  if (scheme === 'sqlite') file = sqliteFileFromUrl(url);
  else if (['kurrentdb', 'kurrentdb+discover', 'esdb', 'esdb+discover'].includes(scheme)) {
    const dataDir = options.dataDir ?? (process.env.COSEARCH_DATA_DIR || './data');
    file = join(dataDir, 'read-models.db');
  } else {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected a store URL starting with sqlite:, postgres://, kurrentdb:// or esdb://, but got '${url}'`,
    );
  }
  const inMemory = file === ':memory:' || file === '';
  if (inMemory) {
    // A private in-memory database: run the files on its only connection (nothing else shares it).
    const database = createSqliteDatabase(file);
    const dir = migrationsDir('sqlite');
    for (const name of readdirSync(dir).filter(isReadModelMigration).sort())
      await database.execScript(readFileSync(join(dir, name), 'utf8'));
    return database;
  }
  mkdirSync(dirname(file), { recursive: true });
  const migrator = new Database(file);
  try {
    migrator.pragma('busy_timeout = 10000');
    applySqliteMigrations(migrator, migrationsDir('sqlite'), { filter: isReadModelMigration });
  } finally {
    migrator.close();
  }
  return createSqliteDatabase(file);
};

/** What the self-healing check found and repaired, in words for logs and `health`. */
const describe = (problems: readonly ReadModelSchemaProblem[]): string[] =>
  problems.map((p) => `${p.table}: ${p.problem} (${p.detail})`);

/** The projections of cosearch, in the order the runner applies them within a batch. */
export const createDefaultProjections = (): Projection[] => [
  createExperimentsProjection(),
  createCandidatesProjection(),
  createWorkersProjection(),
];

/** Options of {@link openProjections}. */
export interface OpenProjectionsOptions
  extends ReadModelDatabaseOptions, Partial<Pick<ProjectionRunnerOptions, 'batchSize' | 'retryDelayMs' | 'onError'>> {
  store: EventStore;
  /** @default createDefaultProjections() */
  projections?: readonly Projection[];
}

/** Read-model database, runner and queries, ready to start. */
export interface OpenedProjections {
  db: SqlDatabase;
  runner: ProjectionRunner;
  queries: ReadModelQueries;
  /** Each projection's state, plus the read-model tables that are missing or wrong-shaped right now (for `health`). */
  status(): Promise<ReadModelHealth>;
  /** Stops the runner and closes the read-model database (not the store). */
  close(): Promise<void>;
}

/** What `OpenedProjections.status()` reports. */
export interface ReadModelHealth {
  projections: ProjectionStatus[];
  /** e.g. "read_candidates: missing (no such table)"; empty when every table is as the migrations make it. */
  problems: string[];
}

export const openProjections = async (options: OpenProjectionsOptions): Promise<OpenedProjections> => {
  const db = await openReadModelDatabase(options);
  const runner = createProjectionRunner({
    store: options.store,
    db,
    projections: options.projections ?? createDefaultProjections(),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    repairSchema: async () => describe(await repairReadModelSchema(db)),
  });
  return {
    db,
    runner,
    queries: createReadModelQueries(db),
    async status() {
      return { projections: runner.status(), problems: describe(await checkReadModelSchema(db)) };
    },
    async close() {
      await runner.stop();
      await db.close();
    },
  };
};
