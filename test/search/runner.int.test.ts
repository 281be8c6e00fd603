// The search runner follows the store: it runs experiments started by anyone (the API appends ExperimentStarted),
// and hot start seeds a new experiment from the candidates trained by earlier ones.
import { describe, expect, it } from 'vitest';
import { newEvent } from '../../src/events/index.js';
import { createSearchRunner, startExperiment, type SearchSummary } from '../../src/search/index.js';
import { fakeHardwareFor, openStore, quickConfig, tempStoreUrl } from './fixtures/harness.js';

const waitFor = async (check: () => Promise<boolean>, ms = 30_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('search runner', () => {
  it('runs started experiments from the log, and hot start seeds from the earlier one', async () => {
    const store = await openStore(tempStoreUrl());
    const finished: Array<[string, SearchSummary | Error]> = [];
    const runner = createSearchRunner({
      store,
      hardware: fakeHardwareFor,
      onFinished: (id, r) => finished.push([id, r]),
    });
    await startExperiment(store, quickConfig({ controller: { kind: 'random' }, budget: { maxCandidates: 10 } }), {
      experimentId: 'first',
    });
    runner.start();
    await waitFor(async () => finished.some(([id]) => id === 'first'));
    await startExperiment(
      store,
      quickConfig({ controller: { kind: 'hotstart', seeds: 3 }, budget: { maxCandidates: 5 } }),
      { experimentId: 'second' },
    );
    await waitFor(async () => finished.some(([id]) => id === 'second'));
    await runner.stop();

    const first = finished.find(([id]) => id === 'first')?.[1] as SearchSummary;
    expect(first.status).toBe('completed');
    const second = await store.readStream('experiment-second');
    const firstIds = new Set(
      (await store.readStream('experiment-first'))
        .filter((e) => e.type === 'CandidateTrained')
        .map((e) => (e.data as { candidateId: string }).candidateId),
    );
    const proposal = second.find((e) => e.type === 'CandidateProposed')?.data as { note?: string; controller: string };
    expect(proposal.controller).toBe('hotstart');
    const parent = /mutation of (\S+)/.exec(proposal.note ?? '')?.[1] ?? '';
    expect(firstIds.has(parent)).toBe(true);
    expect(second.at(-1)?.type).toBe('ExperimentCompleted');
    await store.close();
  });

  it('picks an experiment up again on ExperimentResumed after its run stopped without a terminal event', async () => {
    const store = await openStore(tempStoreUrl());
    const finished: Array<[string, SearchSummary | Error]> = [];
    let calls = 0;
    // The first run dies outside any step (as when the store connection drops), so nothing terminal is recorded.
    const hardware = (config: Parameters<typeof fakeHardwareFor>[0]) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return fakeHardwareFor(config);
    };
    const runner = createSearchRunner({ store, hardware, onFinished: (id, r) => finished.push([id, r]) });
    await startExperiment(store, quickConfig({ controller: { kind: 'random' }, budget: { maxCandidates: 4 } }), {
      experimentId: 'flaky',
    });
    runner.start();
    await waitFor(async () => finished.length === 1);
    expect(finished[0]?.[1]).toBeInstanceOf(Error);
    expect((await store.readStream('experiment-flaky')).map((e) => e.type)).toEqual(['ExperimentStarted']);
    expect(runner.pending()).toEqual([]);

    const [started] = await store.readStream('experiment-flaky');
    await store.append(
      'experiment-flaky',
      [
        newEvent(
          'ExperimentResumed',
          { experimentId: 'flaky', reason: 'store back' },
          { correlationId: 'flaky', actor: 'ops' },
        ),
      ],
      started?.revision ?? 0,
    );
    await waitFor(async () => finished.length === 2);
    await runner.stop();
    expect((finished[1]?.[1] as SearchSummary).status).toBe('completed');
    const types = (await store.readStream('experiment-flaky')).map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['ExperimentStarted', 'ExperimentResumed']);
    expect(types.filter((t) => t === 'CandidateProposed')).toHaveLength(4);
    expect(types.at(-1)).toBe('ExperimentCompleted');
    await store.close();
  });
});
