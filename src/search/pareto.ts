// Multi-objective view: the Pareto front over accuracy (max), LUTs (min) and throughput (max).

/** One point of the front. */
export interface ParetoPoint {
  candidateId: string;
  accuracy: number;
  luts: number;
  throughputFps: number;
}

/** True when `a` is at least as good as `b` in every objective and better in one. */
export const dominates = (a: ParetoPoint, b: ParetoPoint): boolean =>
  a.accuracy >= b.accuracy && a.luts <= b.luts && a.throughputFps >= b.throughputFps &&
  (a.accuracy > b.accuracy || a.luts < b.luts || a.throughputFps > b.throughputFps);

/** The non-dominated points, sorted by accuracy (best first). Duplicated points keep the first. */
export const paretoFront = (points: readonly ParetoPoint[]): ParetoPoint[] => {
  const front = points.filter((p, i) => !points.some((q, j) => (dominates(q, p) || (j < i && q.accuracy === p.accuracy && q.luts === p.luts && q.throughputFps === p.throughputFps))));
  return front.sort((a, b) => b.accuracy - a.accuracy || a.luts - b.luts);
};
