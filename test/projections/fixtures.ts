// Fixtures for the projection tests: a real store with its read-model database (same SQLite file, or the same
// PostgreSQL schema) and an experiment-event builder with chosen hardware and accuracy figures.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ExperimentConfigShape, derivedEventId, experimentStreamId, newEvent } from '../../src/events/index.js';
import { openReadModelDatabase, type SqlDatabase } from '../../src/projections/index.js';
import { createEventStore, type EventStore, type EventToAppend } from '../../src/store/index.js';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  /** The store URL (the read models live beside it). */
  url: string;
  store: EventStore;
  db: SqlDatabase;
  dispose(): Promise<void>;
}

let counter = 0;

export const sqliteBackend = async (): Promise<Backend> => {
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-projections-'));
  const url = `sqlite:${join(dir, 'cosearch.db')}`;
  const store = await createEventStore(url, { pollIntervalMs: 10 });
  const db = await openReadModelDatabase({ storeUrl: url });
  return {
    url,
    store,
    db,
    dispose: async () => {
      await db.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const postgresBackend = async (): Promise<Backend> => {
  counter += 1;
  const schema = `projections_${process.pid}_${Date.now() % 1_000_000}_${counter}`;
  const url = `${PG_URL}?schema=${schema}`;
  const store = await createEventStore(url, { pollIntervalMs: 20 });
  const db = await openReadModelDatabase({ storeUrl: url });
  return {
    url,
    store,
    db,
    dispose: async () => {
      await db.close();
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
};

export const backends: Array<[string, () => Promise<Backend>]> = [
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
];

/** What happens to one candidate: infeasible ones are pruned; feasible ones train when `accuracy` is given. */
export interface CandidatePlan {
  luts: number;
  throughputFps: number;
  feasible?: boolean;
  accuracy?: number;
  epochs?: number;
  reward?: number;
}

export type Ending = 'completed' | 'failed' | 'cancelled' | 'running';

/** The events of one experiment following `plans`, with ids derived from the experiment id. */
export const experimentEvents = (
  experimentId: string,
  plans: readonly CandidatePlan[],
  ending: Ending = 'completed',
): EventToAppend[] => {
  const meta = { correlationId: experimentId, actor: 'test' };
  const id = (...parts: Array<string | number>): string => derivedEventId(experimentId, ...parts);
  const base = (i: number) => ({ experimentId, candidateId: `${experimentId}-c${i}` });
  const events: EventToAppend[] = [
    newEvent(
      'ExperimentStarted',
      {
        experimentId,
        name: `exp ${experimentId}`,
        config: ExperimentConfigShape.parse({ device: { maxLuts: 30_000 } }),
        seed: 7,
      },
      meta,
      { id: id('start') },
    ),
  ];
  plans.forEach((plan, i) => {
    const feasible = plan.feasible ?? true;
    events.push(
      newEvent(
        'CandidateProposed',
        {
          ...base(i),
          index: i,
          candidate: { layers: [i] },
          actions: [i],
          logProbs: [-0.5],
          rng: { seed: 7, position: i },
          controller: 'random',
        },
        meta,
        { id: id('p', i) },
      ),
    );
    events.push(
      newEvent(
        'HardwareEvaluated',
        {
          ...base(i),
          device: 'test',
          luts: plan.luts,
          throughputFps: plan.throughputFps,
          latencyMs: 1.5,
          feasible,
          violations: feasible ? [] : [{ constraint: 'lutBudget', limit: 30_000, actual: plan.luts }],
          layers: [{ name: 'conv0', luts: plan.luts }],
        },
        meta,
        { id: id('h', i) },
      ),
    );
    if (feasible && plan.accuracy !== undefined) {
      const epochs = plan.epochs ?? 2;
      events.push(
        newEvent('TrainingStarted', { ...base(i), backend: 'cpu', epochs, batchSize: 32, trainImages: 100 }, meta, {
          id: id('ts', i),
        }),
      );
      for (let e = 0; e < epochs; e += 1) {
        events.push(
          newEvent(
            'EpochCompleted',
            {
              ...base(i),
              epoch: e,
              loss: 1 / (e + 1),
              trainAccuracy: (plan.accuracy * (e + 1)) / epochs,
              imagesPerSec: 100,
            },
            meta,
            { id: id('e', i, e) },
          ),
        );
      }
      events.push(
        newEvent(
          'CandidateTrained',
          {
            ...base(i),
            accuracy: plan.accuracy,
            testAccuracy: plan.accuracy - 0.01,
            epochs,
            trainSeconds: 2,
            backend: 'cpu',
          },
          meta,
          { id: id('t', i) },
        ),
      );
    }
    events.push(
      newEvent(
        'RewardAssigned',
        { ...base(i), reward: plan.reward ?? plan.accuracy ?? 0, reason: feasible ? 'accuracy' : 'infeasible' },
        meta,
        { id: id('r', i) },
      ),
    );
  });
  if (ending === 'completed') {
    events.push(
      newEvent(
        'ExperimentCompleted',
        { experimentId, bestCandidateId: null, reason: 'budget', proposed: plans.length, pruned: 0, trained: 0 },
        meta,
        { id: id('end') },
      ),
    );
  } else if (ending === 'failed') {
    events.push(
      newEvent('ExperimentFailed', { experimentId, error: { code: 'INTERNAL', message: 'boom' } }, meta, {
        id: id('end'),
      }),
    );
  } else if (ending === 'cancelled') {
    events.push(newEvent('ExperimentCancelled', { experimentId, reason: 'user' }, meta, { id: id('end') }));
  }
  return events;
};

export const appendExperiment = async (
  store: EventStore,
  experimentId: string,
  plans: readonly CandidatePlan[],
  ending: Ending = 'completed',
): Promise<number> =>
  (await store.append(experimentStreamId(experimentId), experimentEvents(experimentId, plans, ending), 'any')).position;

/** Every row of a table ordered by id, for equality checks across rebuilds. */
export const dumpTable = (db: SqlDatabase, table: string): Promise<unknown[]> =>
  db.query(`SELECT * FROM ${table} ORDER BY id`);
