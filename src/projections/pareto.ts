// The Pareto front of an experiment over (accuracy max, LUTs min, throughputFps max) among trained feasible
// candidates, computed from the candidates read model at query time so it is always consistent with it.
import { CANDIDATES_TABLE, candidateFromRow } from './candidates.js';
import type { SqlExecutor } from './sqlDatabase.js';
import type { CandidateView } from './views.js';

/** A point of the front: the three objectives. */
export interface ParetoPoint {
  accuracy: number;
  luts: number;
  throughputFps: number;
}

/** True when `a` is at least as good as `b` in every objective and better in one. */
export const dominates = (a: ParetoPoint, b: ParetoPoint): boolean =>
  a.accuracy >= b.accuracy &&
  a.luts <= b.luts &&
  a.throughputFps >= b.throughputFps &&
  (a.accuracy > b.accuracy || a.luts < b.luts || a.throughputFps > b.throughputFps);

/**
 * The non-dominated points, by accuracy desc (then LUTs asc, throughput desc). Sorting that way puts every
 * dominator before what it dominates, so each point is checked only against the front found so far.
 */
export const paretoFrontOf = <T extends ParetoPoint>(points: readonly T[]): T[] => {
  const sorted = [...points].sort(
    (a, b) => b.accuracy - a.accuracy || a.luts - b.luts || b.throughputFps - a.throughputFps,
  );
  const front: T[] = [];
  for (const point of sorted) {
    if (!front.some((f) => dominates(f, point))) front.push(point);
  }
  return front;
};

interface Scored extends ParetoPoint {
  view: CandidateView;
}

export const paretoFront = async (db: SqlExecutor, experimentId: string): Promise<CandidateView[]> => {
  const rows = await db.query(
    `SELECT * FROM ${CANDIDATES_TABLE} WHERE experiment_id = ? AND status = 'trained' AND feasible = ?
       AND accuracy IS NOT NULL AND luts IS NOT NULL AND throughput_fps IS NOT NULL`,
    [experimentId, true],
  );
  const points: Scored[] = [];
  for (const row of rows) {
    const view = candidateFromRow(row);
    if (view.accuracy === null || view.luts === null || view.throughputFps === null) continue;
    points.push({ accuracy: view.accuracy, luts: view.luts, throughputFps: view.throughputFps, view });
  }
  return paretoFrontOf(points).map((p) => p.view);
};
