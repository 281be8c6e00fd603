// The workers over GraphQL: two real workers (runWorker, in-process) train an oracle search with dispatch 'workers'
// on a real SQLite file; `workers` shows who trained what, a stopped worker, and one whose lease ran out; the
// experimentProgress subscription names the worker of each dispatched training.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asJobTrainer } from '../../src/cli/commands/worker.js';
import {
  createHardwareEvaluator,
  createOracleTrainer,
  runExperiment,
  startExperiment,
} from '../../src/search/index.js';
import { createStoreDispatcher, runWorker, type JobTrainer } from '../../src/workers/index.js';
import { startHarness, take, TOKENS, type Harness } from './harness.js';

const config = {
  name: 'workers',
  seed: 5,
  space: 'quick',
  device: { preset: 'zynq7020', maxLuts: 40000, minFps: 1000 },
  controller: { kind: 'random', childrenPerEpisode: 4 },
  training: { epochs: 2, oracle: true },
  budget: { maxCandidates: 8 },
  dispatch: 'workers',
};
const WORKERS =
  '{ workers(includeStopped: true) { id host state currentCandidate currentExperiment heartbeatAt trained rejected stopReason } }';
interface WorkerRow {
  id: string;
  state: string;
  currentCandidate: string | null;
  trained: number;
  stopReason: string | null;
}

describe('workers query', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({}, { withReadModels: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists each worker with its state and the results it trained, and progress events name the worker', async () => {
    await startExperiment(h.store, config, { experimentId: 'wx' });
    const oracle = (): Promise<JobTrainer> => Promise.resolve(asJobTrainer(createOracleTrainer({ epochDelayMs: 20 })));
    const stop = new AbortController();
    const a = runWorker({ store: h.store, workerId: 'wa', host: 'ha', trainerFor: oracle, maxJobs: 2, leaseMs: 5000 });
    const b = runWorker({
      store: h.store,
      workerId: 'wb',
      host: 'hb',
      trainerFor: oracle,
      leaseMs: 5000,
      signal: stop.signal,
    });
    const dispatcher = createStoreDispatcher(h.store);
    const summary = await runExperiment({
      store: h.store,
      experimentId: 'wx',
      hardware: createHardwareEvaluator,
      dispatcher,
    });
    await dispatcher.close();
    expect(summary.status).toBe('completed');
    const first = await a;
    stop.abort();
    const second = await b;
    expect(first.trained + second.trained).toBe(summary.trained);
    await h.caughtUp();

    const res = await h.gql(WORKERS, {}, TOKENS.viewer);
    expect(res.errors).toBeUndefined();
    const rows = (res.data?.workers ?? []) as WorkerRow[];
    const byId = new Map(rows.map((w) => [w.id, w]));
    expect(byId.get('wa')).toMatchObject({
      state: 'STOPPED',
      trained: 2,
      stopReason: 'max jobs (2) reported',
      currentCandidate: null,
    });
    expect(byId.get('wb')).toMatchObject({ state: 'STOPPED', trained: summary.trained - 2 });
    const live = await h.gql('{ workers { id } }', {}, TOKENS.viewer);
    expect(live.data?.workers).toEqual([]);

    const events = (await h.store.readStream('experiment-wx')).length;
    const progress = await take<{ experimentProgress: { eventType: string; workerId: string | null } }>(
      h.wsClient(TOKENS.viewer),
      'subscription ($id: ID!) { experimentProgress(id: $id) { eventType workerId } }',
      { id: 'wx' },
      events,
    );
    const named = progress.map((p) => p.experimentProgress).filter((p) => p.eventType === 'CandidateTrained');
    expect(named.length).toBe(summary.trained);
    for (const p of named) expect(['wa', 'wb']).toContain(p.workerId);
    expect(
      progress.find((p) => p.experimentProgress.eventType === 'RewardAssigned')?.experimentProgress.workerId,
    ).toBeNull();
  });

  it('shows a worker whose lease ran out as UNRESPONSIVE, with the candidate it holds', async () => {
    await startExperiment(
      h.store,
      { ...config, budget: { maxCandidates: 1 }, device: { preset: 'zynq7020', maxLuts: 1e7, minFps: 1 } },
      { experimentId: 'wy' },
    );
    const stop = new AbortController();
    let claimed = (): void => undefined;
    const holding = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    // A trainer that never finishes, and no heartbeat within the 300 ms lease: a worker that hung.
    const hung: JobTrainer = {
      backend: 'hung',
      trainImagesFor: () => 1,
      train: (_c, options) =>
        new Promise((_resolve, reject) => {
          claimed();
          options.signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    };
    const worker = runWorker({
      store: h.store,
      workerId: 'wh',
      trainerFor: () => Promise.resolve(hung),
      leaseMs: 300,
      heartbeatMs: 60_000,
      signal: stop.signal,
    });
    const dispatcher = createStoreDispatcher(h.store);
    const loop = runExperiment({
      store: h.store,
      experimentId: 'wy',
      hardware: createHardwareEvaluator,
      dispatcher,
      signal: stop.signal,
    });
    await holding;
    await new Promise((r) => setTimeout(r, 400));
    await h.caughtUp();
    const res = await h.gql(
      '{ workers(state: UNRESPONSIVE) { id state currentCandidate currentExperiment } }',
      {},
      TOKENS.viewer,
    );
    expect(res.data?.workers).toEqual([
      expect.objectContaining({ id: 'wh', state: 'UNRESPONSIVE', currentExperiment: 'wy' }),
    ]);
    expect((res.data?.workers as WorkerRow[])[0]?.currentCandidate).toMatch(/./);
    stop.abort();
    await worker;
    await loop;
    await dispatcher.close();
  });
});
