// The projection runner on a real SQLite file and a real PostgreSQL schema: events in, read models out;
// checkpoint atomicity under a crash mid-batch; rebuild and version bumps; live following.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createCandidatesProjection,
  createDefaultProjections,
  createProjectionRunner,
  createReadModelQueries,
  createExperimentsProjection,
  readCheckpoints,
  type Projection,
} from '../../src/projections/index.js';
import { appendExperiment, backends, dumpTable, type Backend } from './fixtures.js';
import { ExperimentConfigShape } from '../../src/events/index.js';

const plans = [
  { luts: 20_000, throughputFps: 1500, accuracy: 0.71 },
  { luts: 45_000, throughputFps: 900, feasible: false },
  { luts: 25_000, throughputFps: 1200, accuracy: 0.8, epochs: 3 },
  { luts: 10_000, throughputFps: 2000 },
];

describe.each(backends)('projections on %s', (_name, open) => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('folds an experiment’s events into experiment, candidate and progress rows', async () => {
    const { store, db } = backend;
    const head = await appendExperiment(store, 'e1', plans);
    await appendExperiment(store, 'e2', plans.slice(0, 1), 'cancelled');
    const runner = createProjectionRunner({ store, db, projections: createDefaultProjections() });
    const reached = await runner.catchUp();
    expect(reached).toBe(await store.headPosition());
    const q = createReadModelQueries(db);
    const e1 = await q.getExperiment('e1');
    expect(e1).toMatchObject({
      name: 'exp e1',
      status: 'completed',
      seed: 7,
      config: ExperimentConfigShape.parse({ device: { maxLuts: 30_000 } }),
      reason: 'budget',
      counts: { proposed: 4, pruned: 1, trained: 2, failed: 0 },
      bestCandidateId: 'e1-c2',
      bestAccuracy: 0.8,
      lastPosition: head,
    });
    expect(e1?.finishedAt).not.toBeNull();
    expect((await q.getExperiment('e2'))?.status).toBe('cancelled');
    const c2 = await q.getCandidate('e1-c2');
    expect(c2).toMatchObject({
      experimentId: 'e1',
      index: 2,
      status: 'trained',
      luts: 25_000,
      throughputFps: 1200,
      latencyMs: 1.5,
      feasible: true,
      accuracy: 0.8,
      testAccuracy: 0.79,
      reward: 0.8,
      controller: 'random',
      logProbs: [-0.5],
      candidate: { layers: [2] },
      layers: [{ name: 'conv0', luts: 25_000 }],
      backend: 'cpu',
      trainSeconds: 2,
    });
    expect(c2?.curve.map((p) => p.epoch)).toEqual([0, 1, 2]);
    const pruned = await q.getCandidate('e1-c1');
    expect(pruned).toMatchObject({
      status: 'pruned',
      feasible: false,
      accuracy: null,
      violations: [{ constraint: 'lutBudget', limit: 30_000, actual: 45_000 }],
    });
    expect((await q.getCandidate('e1-c3'))?.status).toBe('proposed');
    expect(await q.getProgress('e1')).toMatchObject({
      experimentId: 'e1',
      status: 'completed',
      bestCandidateId: 'e1-c2',
      lastPosition: head,
    });
    expect(await q.getExperiment('nope')).toBeNull();
    expect(await q.getProgress('nope')).toBeNull();
  });

  it('rolls back rows and checkpoint together when apply throws mid-batch, then resumes exactly once', async () => {
    const { store, db } = backend;
    await appendExperiment(store, 'e1', plans);
    await appendExperiment(store, 'e2', plans);
    const candidates = createCandidatesProjection();
    let calls = 0;
    const crashing: Projection = {
      ...candidates,
      createBulkFold: undefined, // the batched path is under test here (a bulk fold has its own test below)
      async applyBatch(tx, events) {
        await candidates.applyBatch(tx, events); // rows are written inside the transaction, then the "crash"
        calls += 1;
        if (calls === 3) throw new Error('simulated crash');
      },
    };
    const first = createProjectionRunner({
      store,
      db,
      projections: [{ ...createExperimentsProjection(), createBulkFold: undefined }, crashing],
      batchSize: 5,
    });
    await expect(first.catchUp()).rejects.toThrow('simulated crash');
    const after = await readCheckpoints(db);
    expect(after.get('candidates')?.position).toBe(10);
    expect(after.get('experiments')?.position).toBe(10);
    const rows = await db.query<{ id: string; last_position: unknown }>(
      'SELECT id, last_position FROM read_candidates',
    );
    expect(rows.every((r) => Number(r.last_position) <= 10)).toBe(true);

    const resumed = createProjectionRunner({ store, db, projections: createDefaultProjections(), batchSize: 5 });
    await resumed.catchUp();
    const q = createReadModelQueries(db);
    for (const id of ['e1', 'e2']) {
      expect((await q.getExperiment(id))?.counts).toEqual({ proposed: 4, pruned: 1, trained: 2, failed: 0 });
      expect((await q.getCandidate(`${id}-c2`))?.curve).toHaveLength(3);
    }
  });

  it('rebuilds a projection from position 0 into identical tables, and rebuilds on a version bump', async () => {
    const { store, db } = backend;
    await appendExperiment(store, 'e1', plans);
    await appendExperiment(store, 'e2', plans, 'failed');
    const runner = createProjectionRunner({ store, db, projections: createDefaultProjections(), batchSize: 7 });
    await runner.catchUp();
    const before = [await dumpTable(db, 'read_experiments'), await dumpTable(db, 'read_candidates')];
    await db.exec("UPDATE read_candidates SET accuracy = 0.01 WHERE id = 'e1-c0'");
    expect(await runner.rebuild('candidates')).toBe(await store.headPosition());
    await runner.rebuild();
    expect([await dumpTable(db, 'read_experiments'), await dumpTable(db, 'read_candidates')]).toEqual(before);

    await db.exec("UPDATE read_experiments SET name = 'tampered'");
    const current = createExperimentsProjection();
    const bumped: Projection = { ...current, version: current.version + 1 };
    const next = createProjectionRunner({ store, db, projections: [bumped, createCandidatesProjection()] });
    await next.catchUp();
    expect((await readCheckpoints(db)).get('experiments')?.version).toBe(current.version + 1);
    expect(await dumpTable(db, 'read_experiments')).toEqual(before[0]);
    await expect(next.rebuild('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a bulk rebuild writes exactly the rows of an event-by-event catch-up over the same events', async () => {
    const { store, db } = backend;
    // Interleaved experiments (positions alternate between streams), every ending, re-trained epochs.
    const endings = ['completed', 'failed', 'cancelled', 'running'] as const;
    for (let round = 0; round < 3; round += 1) {
      for (const [i, ending] of endings.entries()) {
        const id = `e${i}-${round}`;
        await appendExperiment(
          store,
          id,
          plans.map((p, j) => ({ ...p, luts: p.luts + 7 * j + round, epochs: 1 + ((i + j) % 3) })),
          ending,
        );
      }
    }
    const batched = createDefaultProjections().map((p): Projection => ({ ...p, createBulkFold: undefined }));
    await createProjectionRunner({ store, db, projections: batched, batchSize: 1 }).catchUp();
    const tables = async () => [await dumpTable(db, 'read_experiments'), await dumpTable(db, 'read_candidates')];
    const eventByEvent = await tables();
    expect(eventByEvent[1]).toHaveLength(12 * plans.length);

    const bulk = createProjectionRunner({ store, db, projections: createDefaultProjections() });
    expect(await bulk.rebuild()).toBe(await store.headPosition());
    expect(await tables()).toEqual(eventByEvent);
    // Past its row limit a bulk fold writes what it holds and the batched catch-up finishes: same rows again.
    const limited = createProjectionRunner({
      store,
      db,
      projections: createDefaultProjections(),
      bulkPageSize: 7,
      bulkMaxRows: 5,
      batchSize: 3,
    });
    await limited.rebuild();
    expect(await tables()).toEqual(eventByEvent);
    const checkpoints = await readCheckpoints(db);
    expect([...checkpoints.values()].map((c) => c.position)).toEqual([
      await store.headPosition(),
      await store.headPosition(),
      await store.headPosition(),
    ]);
  });

  it('leaves tables and checkpoints untouched when a bulk write fails, and the next catch-up applies every event once', async () => {
    const { store, db } = backend;
    await appendExperiment(store, 'e1', plans);
    const experiments = createExperimentsProjection();
    const failing: Projection = {
      ...experiments,
      createBulkFold() {
        const fold = experiments.createBulkFold?.();
        if (fold === undefined) throw new Error('expected the experiments projection to have a bulk mode');
        return {
          add: (events) => fold.add(events),
          get size() {
            return fold.size;
          },
          async write(tx) {
            await fold.write(tx); // rows are inserted inside the transaction, then the "crash"
            throw new Error('simulated crash');
          },
        };
      },
    };
    await expect(
      createProjectionRunner({ store, db, projections: [failing, createCandidatesProjection()] }).catchUp(),
    ).rejects.toThrow('simulated crash');
    expect([...(await readCheckpoints(db)).values()].map((c) => c.position)).toEqual([0, 0]);
    expect(await dumpTable(db, 'read_experiments')).toEqual([]);
    expect(await dumpTable(db, 'read_candidates')).toEqual([]);
    await createProjectionRunner({ store, db, projections: createDefaultProjections() }).catchUp();
    const q = createReadModelQueries(db);
    expect((await q.getExperiment('e1'))?.counts).toEqual({ proposed: 4, pruned: 1, trained: 2, failed: 0 });
    expect((await q.getCandidate('e1-c2'))?.curve).toHaveLength(3);
  });

  it('follows the store live and reports each committed batch', async () => {
    const { store, db } = backend;
    const before = await appendExperiment(store, 'e1', plans.slice(0, 2));
    const runner = createProjectionRunner({ store, db, projections: createDefaultProjections() });
    const seen: number[] = [];
    const bulk: number[] = [];
    runner.onApplied((batch) =>
      batch.events.length === 0 ? bulk.push(batch.position) : seen.push(...batch.events.map((e) => e.position)),
    );
    await runner.start();
    try {
      // The events already stored are folded in bulk (one empty batch at their head), then live batches follow.
      await runner.waitForPosition(before);
      expect(bulk).toEqual([before]);
      const head = await appendExperiment(store, 'e2', plans, 'running');
      await runner.waitForPosition(head);
      expect(seen).toEqual(Array.from({ length: head - before }, (_, i) => before + i + 1));
      expect(bulk).toEqual([before]);
      const q = createReadModelQueries(db);
      expect((await q.getExperiment('e2'))?.status).toBe('running');
      expect((await q.getProgress('e2'))?.counts.proposed).toBe(4);
    } finally {
      await runner.stop();
    }
  });

  it('start() folds an existing log in bulk into the rows of a batched catch-up; a stop mid-fold writes nothing', async () => {
    const { store, db } = backend;
    for (const id of ['e1', 'e2', 'e3'])
      await appendExperiment(store, id, plans, id === 'e3' ? 'running' : 'completed');
    const head = await store.headPosition();
    const batched = createDefaultProjections().map((p): Projection => ({ ...p, createBulkFold: undefined }));
    await createProjectionRunner({ store, db, projections: batched, batchSize: 4 }).catchUp();
    const tables = async () => [await dumpTable(db, 'read_experiments'), await dumpTable(db, 'read_candidates')];
    const expected = await tables();

    // A version bump empties the tables; stopped right after start, while the bulk fold reads its first page, the
    // runner writes no rows and leaves the checkpoints at 0.
    const emptied = createProjectionRunner({
      store,
      db,
      projections: createDefaultProjections().map((p) => ({ ...p, version: p.version + 1 })),
      bulkPageSize: 2,
    });
    await emptied.start();
    await emptied.stop();
    expect([...(await readCheckpoints(db)).values()].map((c) => c.position)).toEqual([0, 0, 0]);
    expect(await tables()).toEqual([[], []]);

    const runner = createProjectionRunner({ store, db, projections: createDefaultProjections() });
    const batches: number[] = [];
    runner.onApplied((batch) => batches.push(batch.events.length));
    await runner.start();
    try {
      await runner.waitForPosition(head);
      expect(batches).toEqual([0]); // one bulk write, no event-by-event batches
      expect(await tables()).toEqual(expected);
    } finally {
      await runner.stop();
    }
  });
});
