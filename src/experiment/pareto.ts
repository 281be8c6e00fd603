// The one Pareto rule of cosearch: the non-dominated designs over accuracy (max), LUTs (min) and throughput (max).
// The search's summary, ExperimentCompleted, the paretoFront query, replay and the report plot all call it.

/** One point: the three objectives, and the proposal index that breaks ties. */
export interface ParetoPoint {
  candidateId: string;
  /** Proposal index within its experiment: of two identical points, the earlier proposal stands for both. */
  index: number;
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

const sameObjectives = (a: ParetoPoint, b: ParetoPoint): boolean =>
  a.accuracy === b.accuracy && a.luts === b.luts && a.throughputFps === b.throughputFps;

/** The front's order: accuracy desc, then LUTs asc, throughput desc, and the earlier proposal first. */
export const byParetoOrder = (a: ParetoPoint, b: ParetoPoint): number =>
  b.accuracy - a.accuracy ||
  a.luts - b.luts ||
  b.throughputFps - a.throughputFps ||
  a.index - b.index ||
  (a.candidateId < b.candidateId ? -1 : a.candidateId > b.candidateId ? 1 : 0);

/**
 * The non-dominated points in `byParetoOrder`. Of points with identical objectives only the earliest proposal
 * stays. The order puts every dominator before what it dominates, so each point is checked only against the front.
 */
export const paretoFront = <T extends ParetoPoint>(points: readonly T[]): T[] => {
  const front: T[] = [];
  for (const point of [...points].sort(byParetoOrder)) {
    if (!front.some((f) => dominates(f, point) || sameObjectives(f, point))) front.push(point);
  }
  return front;
};
