// Read threads (issue 19: heavy reads off the event loop): audit and replay-as-of run on worker threads with their
// own connection to a real SQLite file or PostgreSQL schema, and answer exactly what the inline path answers,
// tampering, NOT_FOUND and a dying thread included; over GraphQL the server answers from them.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadThreads, inlineStreamReads, type StreamReads } from '../../src/api/index.js';
import { syntheticExperiment } from '../../src/audit/index.js';
import { createEventStore, SqliteEventStore, type EventStore } from '../../src/store/index.js';
import { startHarness, TOKENS } from './harness.js';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Backend {
  url: string;
  store: EventStore;
  sql(text: string, params: unknown[]): Promise<void>;
  dispose(): Promise<void>;
}

const sqliteBackend = async (): Promise<Backend> => {
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-read-threads-'));
  const url = `sqlite:${join(dir, 'events.db')}`;
  const store = await createEventStore(url);
  return {
    url,
    store,
    sql: async (text, params) => {
      (store as SqliteEventStore).db.prepare(text).run(...params);
    },
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

const postgresBackend = async (): Promise<Backend> => {
  const schema = `read_threads_${process.pid}`;
  const url = `${PG_URL}?schema=${schema}`;
  const store = await createEventStore(url);
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    url,
    store,
    sql: async (text, params) => {
      let n = 0;
      await client.query(
        text.replace(/\?/g, () => `$${(n += 1)}`),
        params,
      );
    },
    dispose: async () => {
      await store.close();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
};

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('read threads on %s', (_name, open) => {
  const experimentId = '7a3c9e10-2b4d-4f6a-8c1e-3d5f7a9b0c21';
  let backend: Backend;
  let threads: StreamReads;
  let inline: StreamReads;
  beforeAll(async () => {
    backend = await open();
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: 300, epochs: 2 });
    await backend.store.append(streamId, events, 'no_stream');
    threads = createReadThreads({ storeUrl: backend.url, threads: 2 });
    inline = inlineStreamReads(backend.store);
  });
  afterAll(async () => {
    await threads.close();
    await backend.dispose();
  });

  it('answers the audit and the replay as of any position exactly as the inline path does', async () => {
    const [audited, expected] = await Promise.all([threads.audit(experimentId, {}), inline.audit(experimentId, {})]);
    expect(audited).toEqual(expected);
    expect(audited.verified).toBe(true);
    expect(audited.events).toBeGreaterThan(1500);

    const position = (await backend.store.readStream(`experiment-${experimentId}`))[700]?.position ?? 0;
    for (const until of [undefined, { position }]) {
      const [replayed, replayedInline] = await Promise.all([
        threads.asOf(experimentId, until),
        inline.asOf(experimentId, until),
      ]);
      expect(replayed).toEqual(replayedInline);
    }
    expect((await threads.asOf(experimentId, { position })).asOf.position).toBe(position);
  });

  it('reports NOT_FOUND with the inline message for an experiment that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await threads.audit(missing, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    const inlineError = await inline.audit(missing, {}).catch((e: unknown) => e);
    expect((error as Error).message).toBe((inlineError as Error).message);
    await expect(threads.asOf(missing, undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sees tampering done behind the store: a stream cut before its anchor is truncated', async () => {
    const tail = (await backend.store.readStream(`experiment-${experimentId}`)).slice(-3);
    for (const e of tail) await backend.sql('DELETE FROM events WHERE id = ?', [e.id]);
    const audited = await threads.audit(experimentId, {});
    expect(audited.verified).toBe(false);
    expect(audited.faults.map((f) => f.kind)).toContain('truncated');
    expect(audited).toEqual(await inline.audit(experimentId, {}));
  });
});

describe('read threads that fail', () => {
  it('fail the read of a thread that dies with INTERNAL, and refuse reads once closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cosearch-read-threads-'));
    const script = join(dir, 'dies.mjs');
    await writeFile(
      script,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\n",
    );
    const threads = createReadThreads({ storeUrl: `sqlite:${join(dir, 'x.db')}`, threads: 1, script });
    try {
      await expect(threads.audit('a', {})).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('exit code 7'),
      });
      // The dead thread was dropped: the next read gets a new one (which dies the same way).
      await expect(threads.asOf('a', undefined)).rejects.toMatchObject({ code: 'INTERNAL' });
      await threads.close();
      await expect(threads.audit('a', {})).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    } finally {
      await threads.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a server with read threads', () => {
  it('answers auditExperiment and experimentAsOf from them', async () => {
    const h = await startHarness({}, { readThreads: 1 });
    try {
      expect(h.server).toBeDefined();
      const experimentId = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
      const { streamId, events } = syntheticExperiment({ experimentId, candidates: 20 });
      await h.store.append(streamId, events, 'no_stream');
      const result = await h.gql(
        `query ($id: ID!) { auditExperiment(id: $id) { verified events head }
        experimentAsOf(id: $id) { status counts { proposed trained } timeline { points } } }`,
        { id: experimentId },
        TOKENS.viewer,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.['auditExperiment']).toMatchObject({ verified: true, events: events.length });
      expect(result.data?.['experimentAsOf']).toMatchObject({
        status: 'completed',
        counts: { proposed: 20 },
        timeline: { points: 20 },
      });
      const missing = await h.gql('{ auditExperiment(id: "nope") { verified } }', {}, TOKENS.viewer);
      expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    } finally {
      await h.close();
    }
  });
});
