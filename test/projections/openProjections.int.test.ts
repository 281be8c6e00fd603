// Where the read models live for each store URL, and two runners sharing one read-model database.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createDefaultProjections,
  createProjectionRunner,
  createReadModelQueries,
  openReadModelDatabase,
} from '../../src/projections/index.js';
import { appendExperiment, sqliteBackend } from './fixtures.js';

describe('openReadModelDatabase', () => {
  it('puts the read models of a KurrentDB store in read-models.db under the data dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cosearch-rm-'));
    try {
      const db = await openReadModelDatabase({
        storeUrl: 'kurrentdb://localhost:2113?tls=false',
        dataDir: join(dir, 'data'),
      });
      expect(await db.query('SELECT name FROM projection_checkpoints')).toEqual([]);
      await db.close();
      expect(existsSync(join(dir, 'data', 'read-models.db'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrates a private in-memory database for sqlite::memory:', async () => {
    const db = await openReadModelDatabase({ storeUrl: 'sqlite::memory:' });
    expect(await db.query('SELECT COUNT(*) AS n FROM read_candidates')).toEqual([{ n: 0 }]);
    await db.close();
  });

  it('rejects an unknown store URL with BAD_USER_INPUT', async () => {
    await expect(openReadModelDatabase({ storeUrl: 'mysql://x' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('two runners on one read-model database', () => {
  it('apply every event exactly once between them', async () => {
    const backend = await sqliteBackend();
    try {
      for (let i = 0; i < 5; i += 1)
        await appendExperiment(backend.store, `e${i}`, [
          { luts: 1, throughputFps: 1, accuracy: 0.5 },
          { luts: 2, throughputFps: 2 },
        ]);
      const make = () =>
        createProjectionRunner({
          store: backend.store,
          db: backend.db,
          projections: createDefaultProjections(),
          batchSize: 3,
        });
      const results = await Promise.allSettled([make().catchUp(), make().catchUp()]);
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'CONFLICT' });
      await make().catchUp();
      const q = createReadModelQueries(backend.db);
      for (let i = 0; i < 5; i += 1) {
        expect((await q.getExperiment(`e${i}`))?.counts).toEqual({ proposed: 2, pruned: 0, trained: 1, failed: 0 });
        expect((await q.getCandidate(`e${i}-c0`))?.curve).toHaveLength(2);
      }
    } finally {
      await backend.dispose();
    }
  });
});
