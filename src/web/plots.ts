// The dashboard's charts, drawn by uPlot (canvas; thousands of points redraw in a few ms): accuracy vs LUTs with the
// LUT budget line and the Pareto front, best-so-far accuracy over time, and one candidate's epoch curve.
import uPlot from 'uplot';
import type { Point } from './experimentModel.js';

type Series = uPlot.Series;

/** A series drawn as markers only (no line). Shapes differ by size and fill, so the legend reads without colour. */
const markers = (label: string, stroke: string, fill: string, size: number): Series => ({
  label,
  stroke,
  fill,
  width: 0,
  paths: () => null,
  points: { show: true, size, stroke, fill, width: 2 },
});

export interface ScatterInput {
  points: readonly Point[];
  paretoIds: ReadonlySet<string>;
  maxLuts?: number;
  minFps?: number;
}

/** The data of the scatter: x = LUTs ascending (uPlot's x must not decrease), one y array per series, and the ids. */
export const scatterData = ({
  points,
  paretoIds,
  minFps,
}: ScatterInput): { data: uPlot.AlignedData; ids: string[] } => {
  const shown = points
    .filter((p) => p.luts !== undefined && !p.float && (p.status === 'pruned' || p.accuracy !== undefined))
    .sort((a, b) => (a.luts ?? 0) - (b.luts ?? 0) || a.index - b.index);
  const fast = minFps === undefined ? Infinity : 1.5 * minFps;
  const xs = shown.map((p) => p.luts ?? 0);
  const pick = (
    test: (p: Point) => boolean,
    value: (p: Point) => number = (p) => p.accuracy ?? 0,
  ): Array<number | null> => shown.map((p) => (test(p) ? value(p) : null));
  return {
    ids: shown.map((p) => p.id),
    data: [
      xs,
      pick((p) => p.accuracy !== undefined && (p.throughputFps ?? 0) >= fast),
      pick((p) => p.accuracy !== undefined && (p.throughputFps ?? 0) < fast),
      pick((p) => paretoIds.has(p.id)),
      // Pruned designs were never trained: they sit on the floor of the plot, apart from the trained ones.
      pick(
        (p) => p.status === 'pruned',
        () => 0,
      ),
    ],
  };
};

export interface Scatter {
  update(input: ScatterInput): number;
  resize(width: number): void;
  /** The candidate id of a point index (after the last update). */
  idAt(index: number): string | undefined;
}

/** Creates the accuracy-vs-LUTs scatter in `el`; `onPick` gets the id of a clicked point. Returns update() (ms it took). */
export const createScatter = (el: HTMLElement, width: number, onPick: (id: string) => void): Scatter => {
  let ids: string[] = [];
  let budget: number | undefined;
  let xMax = 1;
  const opts: uPlot.Options = {
    width,
    height: 320,
    // The x range always reaches past the LUT budget line, whatever the points.
    scales: { x: { time: false, range: () => [0, xMax] }, y: { range: [0, 1] } },
    axes: [
      { label: 'LUTs' },
      { label: 'validation accuracy', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`) },
    ],
    series: [
      { label: 'LUTs' },
      markers('trained, img/s ≥ 1.5× required (large dot)', '#1b7837', '#1b7837', 8),
      markers('trained, img/s < 1.5× required (small dot)', '#e08214', '#e08214', 5),
      markers('Pareto front (ring)', '#000000', 'rgba(0,0,0,0)', 13),
      markers('pruned before training (hollow, at 0)', '#888888', '#ffffff', 6),
    ],
    cursor: { drag: { x: false, y: false } },
    hooks: {
      draw: [
        (u) => {
          if (budget === undefined) return;
          const x = u.valToPos(budget, 'x', true);
          const { ctx } = u;
          ctx.save();
          ctx.strokeStyle = '#b2182b';
          ctx.setLineDash([6, 4]);
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillStyle = '#b2182b';
          ctx.fillText(`LUT budget ${Math.round(budget)}`, x + 4, u.bbox.top + 12);
          ctx.restore();
        },
      ],
    },
  };
  const plot = new uPlot(opts, [[], [], [], [], []], el);
  plot.over.addEventListener('click', () => {
    const index = plot.cursor.idx;
    const id = index === null || index === undefined ? undefined : ids[index];
    if (id !== undefined) onPick(id);
  });
  return {
    update(input) {
      const started = performance.now();
      const next = scatterData(input);
      ids = next.ids;
      budget = input.maxLuts;
      xMax = Math.max(...(next.data[0] as number[]), budget ?? 0, 1) * 1.05;
      plot.setData(next.data);
      return performance.now() - started;
    },
    resize: (w) => plot.setSize({ width: w, height: 320 }),
    idAt: (index) => ids[index],
  };
};

/** A line chart of [x, y] pairs (time in seconds, or epochs); `percent` formats y as a percentage. */
export const createLine = (el: HTMLElement, width: number, labels: { x: string; series: string[] }, time: boolean) => {
  const colors = ['#2166ac', '#b2182b', '#1b7837'];
  const plot = new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time }, y: { range: [0, 1] } },
      axes: [{ label: labels.x }, { values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`) }],
      series: [
        { label: labels.x },
        ...labels.series.map((label, i) => ({
          label,
          stroke: colors[i % colors.length] ?? '#000',
          width: 2,
          points: { show: true, size: 5 },
        })),
      ],
    },
    [[], ...labels.series.map(() => [])],
    el,
  );
  return {
    update: (data: uPlot.AlignedData) => plot.setData(data),
    resize: (w: number) => plot.setSize({ width: w, height: 200 }),
  };
};
