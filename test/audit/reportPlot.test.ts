// The report's SVG (src/audit/reportPlot.ts), checked on its elements: one marker per point in its controller's
// colour, the Pareto front (experiment/pareto's rule) circled among the points within the budget only, the region
// beyond the budget shaded, axes scaled so a point lands where its LUTs and accuracy say, and text escaped.
import { describe, expect, it } from 'vitest';
import { reportSvg, type PlotPoint } from '../../src/audit/index.js';

const points: PlotPoint[] = [
  { candidateId: 'a', controller: 'rl', accuracy: 0.6, luts: 10_000 },
  { candidateId: 'b', controller: 'rl', accuracy: 0.7, luts: 18_000 },
  // The most accurate design is over the budget: drawn, never on the front.
  { candidateId: 'c', controller: 'rl', accuracy: 0.9, luts: 25_000 },
  // Dominated by a (fewer LUTs, more accurate).
  { candidateId: 'd', controller: 'random', accuracy: 0.5, luts: 12_000 },
  { candidateId: 'e', controller: 'random', accuracy: 0.4, luts: 5_000 },
];

/** Every `<tag …>` of the SVG with its attributes. */
const elements = (svg: string, tag: string): Array<Record<string, string>> =>
  [...svg.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])),
  );

// The plot's frame, as reportSvg lays it out: 640 × 400, margins left 60, right 150, top 30, bottom 50.
const xOf = (luts: number, xMax: number): number => 60 + (luts / xMax) * (640 - 60 - 150);
const yOf = (accuracy: number): number => 400 - 50 - accuracy * (400 - 30 - 50);

describe('reportSvg', () => {
  it('draws every point at its LUTs and accuracy, in its controller colour, with a legend entry each', () => {
    const svg = reportSvg(points, 20_000, 'accuracy vs LUTs');
    const xMax = 25_000 * 1.1;
    const dots = elements(svg, 'circle').filter((c) => c['r'] === '4');
    // rl is the first controller: circles; random the second: squares.
    expect(dots.map((c) => [Number(c['cx']), Number(c['cy'])])).toEqual([
      ...points
        .filter((p) => p.controller === 'rl')
        .map((p) => [Number(xOf(p.luts, xMax).toFixed(1)), Number(yOf(p.accuracy).toFixed(1))]),
      [640 - 150 + 16, 30 + 10],
    ]);
    expect(dots.every((c) => c['fill'] === '#1f77b4')).toBe(true);
    const squares = elements(svg, 'rect').filter((r) => r['width'] === '8');
    expect(squares).toHaveLength(3); // two random points and the legend's square
    expect(squares.every((r) => r['fill'] === '#d62728')).toBe(true);
    expect(svg).toContain('>rl</text>');
    expect(svg).toContain('>random</text>');
  });

  it('circles the Pareto front of the designs within the budget, and shades the region beyond it', () => {
    const svg = reportSvg(points, 20_000, 'accuracy vs LUTs');
    const xMax = 25_000 * 1.1;
    const ringed = elements(svg, 'circle')
      .filter((c) => c['r'] === '7')
      .map((c) => [Number(c['cx']), Number(c['cy'])]);
    // e (5k, 40 %), a (10k, 60 %), b (18k, 70 %) are not dominated; d is, and c is over the budget. Plus the legend.
    const front = ['e', 'a', 'b'].map((id) => points.find((p) => p.candidateId === id) as PlotPoint);
    expect(ringed).toEqual([
      ...front.map((p) => [Number(xOf(p.luts, xMax).toFixed(1)), Number(yOf(p.accuracy).toFixed(1))]),
      [640 - 150 + 16, 30 + 10 + 2 * 18],
    ]);
    const shade = elements(svg, 'rect').find((r) => r['fill'] === '#bbb');
    expect(Number(shade?.['x'])).toBeCloseTo(xOf(20_000, xMax), 1);
    expect(Number(shade?.['x']) + Number(shade?.['width'])).toBeCloseTo(640 - 150, 1);
    expect(svg).toContain('budget 20000 LUTs');
  });

  it('without a budget: no shading, and the most accurate design joins the front', () => {
    const svg = reportSvg(points, null, 'no budget');
    expect(elements(svg, 'rect').some((r) => r['fill'] === '#bbb')).toBe(false);
    expect(svg).not.toContain('budget ');
    expect(elements(svg, 'circle').filter((c) => c['r'] === '7')).toHaveLength(4 + 1);
  });

  it('escapes its text, so any title or controller name keeps the SVG well-formed', () => {
    const svg = reportSvg(
      [{ candidateId: 'x', controller: 'a<b>&"c"', accuracy: 0.5, luts: 1000 }],
      null,
      'R&D <draft>',
    );
    expect(svg).toContain('>R&amp;D &lt;draft&gt;</text>');
    expect(svg).toContain('>a&lt;b&gt;&amp;&quot;c&quot;</text>');
    // Outside tags, no raw '<' or '&' that is not an entity.
    const text = svg.replace(/<[^>]*>/g, '');
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
  });
});
