// The report against real oracle searches in a SQLite file: two controllers × two seeds, run through the CLI command;
// every number of the JSON table equals one recomputed here straight from the raw events, and the SVG is written.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import type { RecordedEvent } from '../../src/store/index.js';
import { openStore, quickConfig, runOracle, tempStoreUrl } from '../search/fixtures/harness.js';

const runReport = async (args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  process.exitCode = undefined;
  await yargs(['report', ...args])
    .command(reportCommand)
    .strict()
    .exitProcess(false)
    .parseAsync();
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  process.exitCode = undefined;
  vi.restoreAllMocks();
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
};
afterEach(() => vi.restoreAllMocks());

interface Row {
  controller: string;
  maxLuts: number;
  seeds: Array<{
    experimentId: string;
    accuracy: number | null;
    luts: number | null;
    proposed: number;
    pruned: number;
    trained: number;
    trainingHours: number;
  }>;
}

/** Independent recomputation from raw events: no state fold, only the event data. */
const recompute = (events: readonly RecordedEvent[]) => {
  const data = (type: string) => events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>);
  const floats = new Set(
    data('CandidateProposed')
      .filter((d) => d.float === true)
      .map((d) => d.candidateId),
  );
  const hw = new Map(data('HardwareEvaluated').map((d) => [d.candidateId, d]));
  const proxies = data('CandidateTrained').filter((d) => d.final !== true);
  const feasible = proxies.filter((d) => !floats.has(d.candidateId) && hw.get(d.candidateId)?.feasible === true);
  let best: Record<string, unknown> | undefined;
  for (const d of feasible) if (best === undefined || (d.accuracy as number) > (best.accuracy as number)) best = d;
  return {
    accuracy: best === undefined ? null : best.accuracy,
    luts: best === undefined ? null : hw.get(best.candidateId)?.luts,
    proposed: data('CandidateProposed').length,
    trained: proxies.length,
    pruned: data('HardwareEvaluated').filter((d) => d.feasible === false && !floats.has(d.candidateId)).length,
    hours: data('CandidateTrained').reduce((s, d) => s + (d.trainSeconds as number), 0) / 3600,
  };
};

describe('cosearch report', () => {
  it('prints a table whose numbers equal those recomputed from the events, and writes the SVG', async () => {
    const url = tempStoreUrl();
    const store = await openStore(url);
    const ids: string[] = [];
    for (const kind of ['rl', 'random'] as const) {
      for (const seed of [1, 2]) {
        const id = `${kind}-${seed}`;
        ids.push(id);
        await runOracle(
          store,
          id,
          quickConfig({
            seed,
            controller: kind === 'rl' ? { kind: 'rl', hiddenSize: 16, embeddingSize: 8 } : { kind: 'random' },
            budget: { maxCandidates: 8 },
          }),
        );
      }
    }
    const logs = new Map<string, RecordedEvent[]>();
    for (const id of ids) logs.set(id, await store.readStream(`experiment-${id}`));
    await store.close();
    const out = mkdtempSync(join(tmpdir(), 'cosearch-report-'));

    const json = await runReport([...ids, '--store', url, '--out', out, '--json']);
    expect(json.exitCode).toBe(0);
    const { rows, plots } = JSON.parse(json.out) as { rows: Row[]; plots: string[] };
    expect(rows.map((r) => [r.controller, r.maxLuts, r.seeds.length])).toEqual([
      ['rl', 20000, 2],
      ['random', 20000, 2],
    ]);
    for (const row of rows)
      for (const s of row.seeds) {
        const want = recompute(logs.get(s.experimentId) ?? []);
        expect(want.trained).toBeGreaterThan(0);
        expect([s.accuracy, s.luts, s.proposed, s.pruned, s.trained]).toEqual([
          want.accuracy,
          want.luts,
          want.proposed,
          want.pruned,
          want.trained,
        ]);
        expect(s.trainingHours).toBeCloseTo(want.hours, 12);
      }
    expect(plots).toEqual([join(out, 'accuracy-vs-luts-20000.svg')]);

    const md = await runReport([...ids, '--store', url, '--out', out]);
    expect(md.exitCode).toBe(0);
    expect(md.out).toContain('| rl | 20000 | 3000 | 2 |');
    expect(existsSync(join(out, 'accuracy-vs-luts-20000.svg'))).toBe(true);
    expect(readFileSync(join(out, 'accuracy-vs-luts-20000.svg'), 'utf8')).toContain('budget 20000 LUTs');

    const unknown = await runReport(['nope', '--store', url, '--out', out]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.err).toContain("experiment 'nope'");
    const none = await runReport(['--store', url, '--out', out]);
    expect(none.exitCode).toBe(2);
    expect(none.err).toContain('at least one experiment id');
  }, 120_000);
});
