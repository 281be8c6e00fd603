// The report's plot: accuracy vs LUTs for every trained candidate, as a small hand-written SVG. The Pareto front
// (max accuracy, min LUTs) comes from experiment/pareto's one rule; LUTs over the budget are shaded as infeasible.
import { paretoFront } from '../experiment/index.js';

export interface PlotPoint {
  candidateId: string;
  controller: string;
  /** Validation (or final test) accuracy, 0–1. */
  accuracy: number;
  luts: number;
}

const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const W = 640;
const H = 400;
const L = 60;
const R = 150;
const T = 30;
const B = 50;

const marker = (shape: (typeof SHAPES)[number], x: number, y: number, colour: string): string => {
  const f = (n: number): string => n.toFixed(1);
  switch (shape) {
    case 'circle':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="4" fill="${colour}"/>`;
    case 'square':
      return `<rect x="${f(x - 4)}" y="${f(y - 4)}" width="8" height="8" fill="${colour}"/>`;
    case 'triangle':
      return `<path d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y + 4)}L${f(x - 5)} ${f(y + 4)}Z" fill="${colour}"/>`;
    case 'diamond':
      return `<path d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y)}L${f(x)} ${f(y + 5)}L${f(x - 5)} ${f(y)}Z" fill="${colour}"/>`;
    case 'cross':
      return `<path d="M${f(x - 4)} ${f(y - 4)}L${f(x + 4)} ${f(y + 4)}M${f(x + 4)} ${f(y - 4)}L${f(x - 4)} ${f(y + 4)}" stroke="${colour}" stroke-width="2"/>`;
    default: {
      const never: never = shape;
      return never;
    }
  }
};

/** Text for an SVG text node: the title and legend names are escaped, so a caller may pass any string. */
const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** Renders one budget's points as SVG; `maxLuts` draws the labelled budget line and shades the region beyond it. */
export const reportSvg = (points: readonly PlotPoint[], maxLuts: number | null, title: string): string => {
  const xMax = Math.max(1, maxLuts ?? 0, ...points.map((p) => p.luts)) * 1.1;
  const sx = (luts: number): number => L + (luts / xMax) * (W - L - R);
  const sy = (acc: number): number => H - B - acc * (H - T - B);
  const controllers = [...new Set(points.map((p) => p.controller))];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="14">${escapeXml(title)}</text>`,
  ];
  if (maxLuts !== null) {
    const x = sx(maxLuts);
    out.push(
      `<rect x="${x.toFixed(1)}" y="${T}" width="${(W - R - x).toFixed(1)}" height="${H - T - B}" fill="#bbb" fill-opacity="0.35"/>`,
      `<line x1="${x.toFixed(1)}" y1="${T}" x2="${x.toFixed(1)}" y2="${H - B}" stroke="black" stroke-dasharray="4 3"/>`,
      // Left of the line, so the label never runs into the legend beside the shaded region.
      `<text x="${(x - 4).toFixed(1)}" y="${T + 14}" text-anchor="end">budget ${maxLuts} LUTs (infeasible beyond →)</text>`,
    );
  }
  for (let i = 0; i <= 5; i += 1) {
    const acc = i / 5;
    const lut = (xMax * i) / 5;
    out.push(
      `<text x="${L - 6}" y="${(sy(acc) + 4).toFixed(1)}" text-anchor="end">${i * 20}</text>`,
      `<text x="${sx(lut).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${Math.round(lut / 1000)}k</text>`,
    );
  }
  out.push(
    `<path d="M${L} ${T}V${H - B}H${W - R}" fill="none" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">LUTs (count)</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">accuracy (%)</text>`,
  );
  const front = paretoFront(
    points
      .filter((p) => maxLuts === null || p.luts <= maxLuts)
      .map((p, index) => ({ candidateId: p.candidateId, index, accuracy: p.accuracy, luts: p.luts, throughputFps: 0 })),
  ).sort((a, b) => a.luts - b.luts);
  if (front.length > 0)
    out.push(
      `<path d="${front.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.luts).toFixed(1)} ${sy(p.accuracy).toFixed(1)}`).join('')}" fill="none" stroke="black" stroke-width="1.5"/>`,
    );
  for (const p of front)
    out.push(
      `<circle cx="${sx(p.luts).toFixed(1)}" cy="${sy(p.accuracy).toFixed(1)}" r="7" fill="none" stroke="black"/>`,
    );
  controllers.forEach((c, i) => {
    const shape = SHAPES[i % SHAPES.length] ?? 'circle';
    const colour = COLOURS[i % COLOURS.length] ?? 'black';
    for (const p of points.filter((q) => q.controller === c))
      out.push(marker(shape, sx(p.luts), sy(p.accuracy), colour));
    out.push(
      marker(shape, W - R + 16, T + 10 + i * 18, colour),
      `<text x="${W - R + 26}" y="${T + 14 + i * 18}">${escapeXml(c)}</text>`,
    );
  });
  const y = T + 10 + controllers.length * 18;
  out.push(
    `<circle cx="${W - R + 16}" cy="${y}" r="7" fill="none" stroke="black"/>`,
    `<text x="${W - R + 26}" y="${y + 4}">Pareto front</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
};
