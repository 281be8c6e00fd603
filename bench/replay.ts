// Replay speed: rebuilds a 100,000-event synthetic experiment from a real SQLite file. Reports events/s for the
// pure fold, for read-whole-stream + fold, for replayExperiment end to end (what `cosearch replay` does: it folds page
// by page) in wall and CPU time, and for the hash-chain audit. Goal: >= 200k events/s end to end.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditEvents,
  readOnlyStore,
  readWholeStream,
  replayEvents,
  replayExperiment,
  syntheticExperiment,
} from '../src/audit/index.js';
import { SqliteEventStore } from '../src/store/index.js';

const time = async <T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Appends a synthetic experiment of exactly `target` events; the built events are dropped when this returns. */
const seed = async (
  store: SqliteEventStore,
  experimentId: string,
  target: number,
): Promise<{ streamId: string; count: number }> => {
  let candidates = Math.ceil(target / 6.9);
  let built = syntheticExperiment({ experimentId, candidates, epochs: 3 });
  while (built.events.length < target) {
    candidates += Math.ceil((target - built.events.length) / 6.9) + 1;
    built = syntheticExperiment({ experimentId, candidates, epochs: 3 });
  }
  const events = built.events.slice(0, target - 1).concat(built.events.slice(-1)); // keep ExperimentCompleted last
  for (let i = 0; i < events.length; i += 5000) {
    await store.append(built.streamId, events.slice(i, i + 5000), i === 0 ? 'no_stream' : i - 1);
  }
  return { streamId: built.streamId, count: events.length };
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const target = Number(args[0] ?? 100_000);
  const repeats = Number(args[1] ?? 5);
  const experimentId = '00000000-0000-4000-8000-00000000bench';
  const dir = mkdtempSync(join(tmpdir(), 'cosearch-bench-replay-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  try {
    // Like `cosearch replay`, the end-to-end replay runs with no other copy of the stream in memory: the written
    // events are released by seed(), and it runs before this round's whole-stream read.
    const built = await seed(store, experimentId, target);
    const view = readOnlyStore(store);
    const fold: number[] = [];
    const readFold: number[] = [];
    const audit: number[] = [];
    const endToEnd: number[] = [];
    const endToEndCpu: number[] = [];
    let summary: Record<string, unknown> = {};
    for (let r = 0; r < repeats; r += 1) {
      const cpu = process.cpuUsage();
      const whole = await time(() => replayExperiment(view, experimentId));
      const used = process.cpuUsage(cpu);
      if (whole.value.counts.events !== built.count)
        throw new Error('end-to-end replay saw a different number of events');
      endToEnd.push(whole.ms);
      endToEndCpu.push((used.user + used.system) / 1000);
      const read = await time(() => readWholeStream(view, built.streamId));
      const replayed = await time(() => replayEvents(experimentId, read.value));
      const audited = await time(() => auditEvents(built.streamId, read.value));
      if (!audited.value.verified) throw new Error('bench stream failed its own audit');
      fold.push(replayed.ms);
      readFold.push(read.ms + replayed.ms);
      audit.push(audited.ms);
      summary = {
        counts: replayed.value.counts,
        status: replayed.value.status,
        paretoFront: replayed.value.paretoFront.length,
      };
    }
    const rate = (ms: number): number => Math.round(built.count / (ms / 1000));
    return {
      events: built.count,
      repeats,
      store: 'sqlite file (WAL), validateOnRead default (upcast old versions, trust current ones)',
      foldOnly: { medianMs: median(fold), eventsPerSec: rate(median(fold)) },
      readAndFold: { medianMs: median(readFold), eventsPerSec: rate(median(readFold)) },
      replayEndToEnd: {
        medianMs: median(endToEnd),
        eventsPerSec: rate(median(endToEnd)),
        eventsPerCpuSec: rate(median(endToEndCpu)),
      },
      hashChainAudit: { medianMs: median(audit), eventsPerSec: rate(median(audit)) },
      goalEventsPerSec: 200_000,
      // Other builds and test suites share this machine; the 1-minute load average puts the timings in context.
      loadAverage1m: loadavg()[0],
      replay: summary,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
