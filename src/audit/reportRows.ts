// The report's comparison rows, folded from experiment streams alone: one row per (controller × LUT/img/s budget),
// aggregating seeds. Best, counts and feasibility come from search/state's one rule (evolve, bestOf, countsOf).
import { accuracyOf, bestOf, countsOf, foldStream } from '../experiment/index.js';
import type { RecordedEvent } from '../store/index.js';
import type { PlotPoint } from './reportPlot.js';

/** One experiment's contribution to a row. */
export interface ReportSeed {
  experimentId: string;
  seed: number;
  status: string;
  /** Best feasible accuracy: final test accuracy when final runs exist, else the best proxy validation accuracy. */
  accuracy: number | null;
  accuracyKind: 'final-test' | 'proxy-val';
  luts: number | null;
  throughputFps: number | null;
  proposed: number;
  pruned: number;
  trained: number;
  /** Sum of CandidateTrained.trainSeconds (training wall seconds; the events record no CPU seconds), in hours. */
  trainingHours: number;
}

export interface ReportRow {
  controller: string;
  /** device.maxLuts; null when the config sets none. */
  maxLuts: number | null;
  /** device.minFps in img/s; null when the config sets none. */
  minFps: number | null;
  seeds: ReportSeed[];
  meanAccuracy: number | null;
}

/** Folds one experiment stream into its seed entry and budget key. */
export const reportSeedOf = (
  experimentId: string,
  events: readonly RecordedEvent[],
): { controller: string; maxLuts: number | null; minFps: number | null; seed: ReportSeed } => {
  const state = foldStream(experimentId, events);
  const config = state.started?.config;
  const finals = state.candidates.filter(
    (c) => c.finalTrained !== undefined && c.hardware?.feasible === true && !c.float,
  );
  let accuracy: number | null = null;
  let luts: number | null = null;
  let fps: number | null = null;
  const kind: ReportSeed['accuracyKind'] = finals.length > 0 ? 'final-test' : 'proxy-val';
  if (finals.length > 0) {
    const best = finals.reduce((a, c) =>
      (c.finalTrained?.testAccuracy ?? c.finalTrained?.accuracy ?? 0) >
      (a.finalTrained?.testAccuracy ?? a.finalTrained?.accuracy ?? 0)
        ? c
        : a,
    );
    accuracy = best.finalTrained?.testAccuracy ?? best.finalTrained?.accuracy ?? null;
    luts = best.hardware?.luts ?? null;
    fps = best.hardware?.throughputFps ?? null;
  } else {
    const best = bestOf(state);
    // The highest multi-fidelity rung's validation accuracy where the candidate was promoted.
    if (best !== undefined) {
      accuracy = accuracyOf(best) ?? null;
      luts = best.hardware?.luts ?? null;
      fps = best.hardware?.throughputFps ?? null;
    }
  }
  const rungSeconds = (c: (typeof state.candidates)[number]): number =>
    [...c.rungs.values()].reduce((s, r) => s + (r.trained?.trainSeconds ?? 0), 0);
  const seconds = state.candidates.reduce(
    (s, c) => s + (c.trained?.trainSeconds ?? 0) + rungSeconds(c) + (c.finalTrained?.trainSeconds ?? 0),
    0,
  );
  return {
    controller: config?.controller.kind ?? 'unknown',
    maxLuts: config?.device.maxLuts ?? null,
    minFps: config?.device.minFps ?? null,
    seed: {
      experimentId,
      seed: state.started?.seed ?? 0,
      status: state.status,
      accuracy,
      accuracyKind: kind,
      luts,
      throughputFps: fps,
      ...countsOf(state),
      trainingHours: seconds / 3600,
    },
  };
};

/** Groups experiments into rows by controller and budget, in first-seen order. */
export const reportRows = (
  streams: ReadonlyArray<{ experimentId: string; events: readonly RecordedEvent[] }>,
): ReportRow[] => {
  const rows: ReportRow[] = [];
  for (const s of streams) {
    const { controller, maxLuts, minFps, seed } = reportSeedOf(s.experimentId, s.events);
    let row = rows.find((r) => r.controller === controller && r.maxLuts === maxLuts && r.minFps === minFps);
    if (row === undefined) {
      row = { controller, maxLuts, minFps, seeds: [], meanAccuracy: null };
      rows.push(row);
    }
    row.seeds.push(seed);
  }
  for (const row of rows) {
    const accs = row.seeds.map((s) => s.accuracy).filter((a): a is number => a !== null);
    row.meanAccuracy = accs.length === 0 ? null : accs.reduce((a, b) => a + b, 0) / accs.length;
  }
  return rows;
};

const pct = (a: number | null): string => (a === null ? '—' : `${(a * 100).toFixed(1)} %`);

/** Renders rows as a Markdown table. */
export const reportMarkdown = (rows: readonly ReportRow[]): string => {
  const head =
    '| controller | max LUTs | min img/s | seeds | best accuracy (mean) | per seed | LUTs | img/s | proposed / pruned / trained | training h (wall) |';
  const lines = [head, '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const kinds = new Set(r.seeds.map((s) => s.accuracyKind));
    const label = kinds.has('proxy-val') ? (kinds.size === 1 ? ' (proxy val)' : ' (some proxy val)') : ' (final test)';
    const per = (f: (s: ReportSeed) => string): string => r.seeds.map(f).join(', ');
    lines.push(
      `| ${r.controller} | ${r.maxLuts ?? '—'} | ${r.minFps ?? '—'} | ${r.seeds.length} | ${pct(r.meanAccuracy)}${label} | ${per((s) => `${pct(s.accuracy)}${s.status === 'completed' ? '' : ` [${s.status}]`}`)} | ${per((s) => String(s.luts ?? '—'))} | ${per((s) => (s.throughputFps === null ? '—' : s.throughputFps.toFixed(0)))} | ${per((s) => `${s.proposed}/${s.pruned}/${s.trained}`)} | ${r.seeds.reduce((a, s) => a + s.trainingHours, 0).toFixed(3)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
};

/** Every trained quantized candidate as a plot point (final accuracy where it has one), grouped by LUT budget. */
export const reportPoints = (
  streams: ReadonlyArray<{ experimentId: string; events: readonly RecordedEvent[] }>,
): Map<number | null, PlotPoint[]> => {
  const byBudget = new Map<number | null, PlotPoint[]>();
  for (const s of streams) {
    const state = foldStream(s.experimentId, s.events);
    const { controller, maxLuts } = reportSeedOf(s.experimentId, s.events);
    const list = byBudget.get(maxLuts) ?? [];
    for (const c of state.candidates) {
      if (c.float || c.trained === undefined || c.hardware === undefined) continue;
      list.push({
        candidateId: c.candidateId,
        controller,
        accuracy: c.finalTrained?.testAccuracy ?? accuracyOf(c) ?? c.trained.accuracy,
        luts: c.hardware.luts,
      });
    }
    byBudget.set(maxLuts, list);
  }
  return byBudget;
};
