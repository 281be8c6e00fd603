// Workers in-process on a real SQLite file: dispatch 'workers' is deterministic (a multi-fidelity search with final
// trainings, trained by 1 worker and by 3 that finish in a shuffled order, appends the same decisions), and a worker
// that reports after losing its lease has its result recorded as rejected, never counted.
import { describe, expect, it } from 'vitest';
import { asJobTrainer } from '../../src/cli/commands/worker.js';
import { createOracleTrainer, runExperiment, startExperiment, type SearchSummary } from '../../src/search/index.js';
import type { RecordedEvent } from '../../src/store/index.js';
import { createStoreDispatcher, foldJob, runWorker, type JobTrainer } from '../../src/workers/index.js';
import { ashaConfig, fakeHardwareFor, openStore, proposedAhead, tempStoreUrl } from '../search/fixtures/harness.js';

const decisions = (events: readonly RecordedEvent[]): string[] =>
  events
    .filter((e) => !['ExperimentStarted', 'TrainingStarted', 'EpochCompleted'].includes(e.type))
    .map((e) => {
      const { trainSeconds: _t, workerId: _w, ...data } = e.data as Record<string, unknown>;
      return `${e.id} ${e.type} ${e.metadata.causationId ?? ''} ${JSON.stringify(data)}`;
    });

const runWith = async (
  delaysMs: number[],
  episodesAhead = 0,
): Promise<{ summary: SearchSummary; log: RecordedEvent[]; byWorker: Map<string, number> }> => {
  const store = await openStore(tempStoreUrl());
  const config = {
    ...ashaConfig('rl', 9),
    finalTraining: { topK: 2, epochs: 3 },
    dispatch: 'workers' as const,
    ...(episodesAhead > 0 ? { episodesAhead } : {}),
  };
  await startExperiment(store, config, { experimentId: 'det' });
  const stop = new AbortController();
  const workers = delaysMs.map((delay, k) =>
    runWorker({
      store,
      workerId: `w${k}`,
      leaseMs: 10_000,
      signal: stop.signal,
      trainerFor: () => Promise.resolve(asJobTrainer(createOracleTrainer({ epochDelayMs: delay }))),
    }),
  );
  const dispatcher = createStoreDispatcher(store, { pollMs: 50 });
  const summary = await runExperiment({ store, experimentId: 'det', hardware: fakeHardwareFor, dispatcher });
  stop.abort();
  await Promise.all(workers);
  await dispatcher.close();
  const log = await store.readStream('experiment-det');
  const byWorker = new Map<string, number>();
  for (const e of log) {
    if (e.type !== 'CandidateTrained') continue;
    const w = String((e.data as { workerId?: string }).workerId);
    byWorker.set(w, (byWorker.get(w) ?? 0) + 1);
  }
  await store.close();
  return { summary, log, byWorker };
};

describe('workers on a SQLite store', () => {
  it('appends the same decisions with 1 worker and with 3 that finish out of order, rungs and final trainings included', async () => {
    const one = await runWith([0]);
    const three = await runWith([9, 0, 4]);
    expect(one.summary.status).toBe('completed');
    expect(three.byWorker.size).toBeGreaterThan(1);
    const types = new Set(one.log.map((e) => e.type));
    for (const type of ['CandidatePromoted', 'RungClosed', 'TrainingRequested']) expect(types).toContain(type);
    expect(
      one.log.filter((e) => e.type === 'CandidateTrained' && (e.data as { final?: boolean }).final === true),
    ).toHaveLength(2);
    expect(decisions(three.log)).toEqual(decisions(one.log));
    expect(three.summary).toEqual(one.summary);
  }, 60_000);

  it('with episodesAhead 1, proposes the next episode before the policy learns the last, with the same decisions for 1 and 3 workers', async () => {
    const one = await runWith([0], 1);
    const three = await runWith([9, 0, 4], 1);
    expect(one.summary.status).toBe('completed');
    expect(three.byWorker.size).toBeGreaterThan(1);
    expect(one.log.filter((e) => e.type === 'PolicyUpdated')).toHaveLength(3);
    expect(decisions(three.log)).toEqual(decisions(one.log));
    expect(three.summary).toEqual(one.summary);
    // Pipelined: some child of episode k+1 is proposed before PolicyUpdated of step k (never with the synchronous rule).
    expect(proposedAhead(one.log, 5)).toBeGreaterThan(0);
    expect(proposedAhead((await runWith([0])).log, 5)).toBe(0);
  }, 60_000);

  it("records the result of a worker that lost its lease as TrainingResultRejected and counts the new holder's", async () => {
    const store = await openStore(tempStoreUrl());
    const { multiFidelity: _m, ...base } = ashaConfig('random', 3);
    await startExperiment(
      store,
      {
        ...base,
        budget: { maxCandidates: 1 },
        device: { preset: 'fake', maxLuts: 1e9, minFps: 1 },
        dispatch: 'workers',
      },
      { experimentId: 'lease' },
    );
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = (): void => undefined;
    const claimed = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // Worker A stalls with no heartbeat inside its 200 ms lease, and reports 0.11 once released.
    const stalled: JobTrainer = {
      backend: 'stalled',
      trainImagesFor: () => 1,
      train: async () => {
        holding();
        await gate;
        return { accuracy: 0.11, epochs: 2, trainSeconds: 0, backend: 'stalled' };
      },
    };
    const stopA = new AbortController();
    const a = runWorker({
      store,
      workerId: 'a',
      leaseMs: 200,
      heartbeatMs: 60_000,
      signal: stopA.signal,
      trainerFor: () => Promise.resolve(stalled),
    });
    const dispatcher = createStoreDispatcher(store, { pollMs: 20 });
    const loop = runExperiment({ store, experimentId: 'lease', hardware: fakeHardwareFor, dispatcher });
    await claimed;
    await new Promise((r) => setTimeout(r, 300));
    const stopB = new AbortController();
    const b = runWorker({
      store,
      workerId: 'b',
      leaseMs: 10_000,
      signal: stopB.signal,
      trainerFor: () => Promise.resolve(asJobTrainer(createOracleTrainer())),
    });
    const summary = await loop;
    stopB.abort();
    const resultB = await b;
    release();
    await new Promise((r) => setTimeout(r, 300));
    stopA.abort();
    const resultA = await a;
    await dispatcher.close();
    const events = await store.readStream('job-lease-proxy-0');
    expect(foldJob('lease-proxy-0', events).result).toMatchObject({ workerId: 'b', attempt: 2 });
    expect(events.filter((e) => e.type === 'TrainingResultRejected').map((e) => e.data)).toEqual([
      expect.objectContaining({ workerId: 'a', attempt: 1, accuracy: 0.11 }),
    ]);
    expect(resultA).toMatchObject({ trained: 0, rejected: 1 });
    expect(resultB.trained).toBe(1);
    const trained = (await store.readStream('experiment-lease')).filter((e) => e.type === 'CandidateTrained');
    expect(trained.map((e) => (e.data as { workerId: string }).workerId)).toEqual(['b']);
    expect(summary.best?.accuracy).not.toBe(0.11);
    await store.close();
  }, 30_000);
});
