// Self-healing read models on a real SQLite file and PostgreSQL (issue 19, finding 4): a dropped or wrong-shaped
// read-model table is recreated from the migrations and refolded from the log, on open and in rebuild, and the
// runner's status says which projection failed meanwhile.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkReadModelSchema,
  createReadModelQueries,
  openProjections,
  openReadModelDatabase,
  repairReadModelSchema,
  type OpenedProjections,
} from '../../src/projections/index.js';
import { appendExperiment, backends, type Backend } from './fixtures.js';

describe.each(backends)('read-model tables on %s', (_name, open) => {
  let backend: Backend;
  const opened: OpenedProjections[] = [];
  const start = async (): Promise<OpenedProjections> => {
    const projections = await openProjections({ store: backend.store, storeUrl: backend.url, retryDelayMs: 10 });
    opened.push(projections);
    return projections;
  };

  beforeEach(async () => {
    backend = await open();
    await appendExperiment(backend.store, 'e1', [
      { luts: 1, throughputFps: 1, accuracy: 0.5 },
      { luts: 2, throughputFps: 2 },
    ]);
  });
  afterEach(async () => {
    for (const p of opened.splice(0)) await p.close();
    await backend.dispose();
  });

  it('are exactly what the migrations make, in both dialects', async () => {
    expect(await checkReadModelSchema(backend.db)).toEqual([]);
  });

  it('recreates a dropped read_candidates table when the projections open, and refolds it from the log', async () => {
    const first = await start();
    await first.runner.catchUp();
    await first.close();
    opened.splice(0);
    await backend.db.exec('DROP TABLE read_candidates');
    expect(await checkReadModelSchema(backend.db)).toEqual([
      { table: 'read_candidates', problem: 'missing', detail: 'no such table' },
    ]);
    const second = await start();
    await second.runner.catchUp();
    expect((await createReadModelQueries(second.db).getCandidate('e1-c0'))?.accuracy).toBe(0.5);
    expect(await second.status()).toMatchObject({ problems: [] });
  });

  // On PostgreSQL the repairs of several connections truly overlap (the advisory lock serializes them). A SQLite file
  // cannot be raced from one process: better-sqlite3 blocks the thread while another connection holds the write
  // lock; across processes the repair's BEGIN IMMEDIATE serializes them the same way.
  it.runIf(_name === 'PostgreSQL')(
    'is repaired once when several processes find the damage at the same time (serve and search on one store)',
    async () => {
      const others = await Promise.all([1, 2, 3].map(() => openReadModelDatabase({ storeUrl: backend.url })));
      await backend.db.exec('DROP TABLE read_candidates');
      try {
        const repaired = await Promise.all([backend.db, ...others].map((db) => repairReadModelSchema(db)));
        // Exactly one of them found and mended the damage; the others, serialized behind it, found nothing left to do.
        expect(repaired.filter((problems) => problems.length > 0)).toEqual([
          [{ table: 'read_candidates', problem: 'missing', detail: 'no such table' }],
        ]);
        expect(await checkReadModelSchema(backend.db)).toEqual([]);
      } finally {
        for (const db of others) await db.close();
      }
    },
  );

  it('reports a wrong-shaped table in status, then recreates it in rebuild and refolds every projection', async () => {
    const projections = await start();
    await projections.runner.start();
    await projections.runner.waitForPosition(await backend.store.headPosition(), 5000);
    await backend.db.exec('ALTER TABLE read_candidates DROP COLUMN reward_reason');
    expect((await projections.status()).problems).toEqual(['read_candidates: wrong shape (lacks reward_reason)']);
    await projections.runner.rebuild('experiments');
    expect(await projections.status()).toMatchObject({
      problems: [],
      projections: [
        { name: 'experiments', state: 'live' },
        { name: 'candidates', state: 'live' },
        { name: 'workers', state: 'live' },
      ],
    });
    expect((await projections.queries.getCandidate('e1-c1'))?.index).toBe(1);
    expect((await projections.queries.getExperiment('e1'))?.counts.proposed).toBe(2);
  });

  it('heals itself while following the log: a batch that fails on a dropped table is retried after recreating it', async () => {
    const projections = await start();
    await projections.runner.start();
    await projections.runner.waitForPosition(await backend.store.headPosition(), 5000);
    await backend.db.exec('DROP TABLE read_experiments');
    await appendExperiment(backend.store, 'e2', [{ luts: 3, throughputFps: 3, accuracy: 0.7 }]);
    await projections.runner.waitForPosition(await backend.store.headPosition(), 10_000);
    expect((await projections.queries.getExperiment('e1'))?.counts.proposed).toBe(2);
    expect((await projections.queries.getCandidate('e2-c0'))?.accuracy).toBe(0.7);
    expect(await projections.status()).toMatchObject({ problems: [] });
  });
});
