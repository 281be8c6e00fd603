// Live catch-up of one large experiment: the read models already stand past position 0 (so the runner applies
// batches with `applyBatch`, not the bulk fold from zero), then one experiment of N candidates is appended and the
// runner catches up. Usage: npm run bench -- catchup [N,N,...] (default 5000,10000,20000). SQLite store and read
// models in a temp dir; times in wall and CPU seconds, with the load average.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedEventId, experimentStreamId } from '../src/events/index.js';
import { openProjections } from '../src/projections/index.js';
import { createEventStore } from '../src/store/index.js';
import { experimentEvents } from './projections.js';

const catchUpOnce = async (candidates: number): Promise<Record<string, number>> => {
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-bench-catchup-'));
  const url = `sqlite:${join(dir, 'events.db')}`;
  const store = await createEventStore(url);
  const projections = await openProjections({
    store,
    storeUrl: url,
    dataDir: dir,
    onError: (error: unknown) => console.error(error),
  });
  try {
    // One small experiment first, so every projection's checkpoint is past 0 when the large one arrives.
    const warm = derivedEventId('bench-catchup-warm', 1);
    await store.append(experimentStreamId(warm), experimentEvents(warm, 1, 1, 1), 'any');
    await projections.runner.catchUp();
    const id = derivedEventId('bench-catchup', candidates);
    const events = experimentEvents(id, candidates, 2, 99);
    for (let i = 0; i < events.length; i += 1000)
      await store.append(experimentStreamId(id), events.slice(i, i + 1000), 'any');
    const t = performance.now();
    const cpu = process.cpuUsage();
    await projections.runner.catchUp();
    const used = process.cpuUsage(cpu);
    return {
      candidates,
      events: events.length,
      seconds: Number(((performance.now() - t) / 1000).toFixed(3)),
      cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
    };
  } finally {
    await projections.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const sizes = (args[0] ?? '5000,10000,20000').split(',').map(Number);
  const runs = [];
  for (const n of sizes) runs.push(await catchUpOnce(n));
  return {
    command: `npm run bench -- catchup ${sizes.join(',')}`,
    store: 'sqlite',
    runs,
    loadAverage1m: os.loadavg()[0],
  };
};
