// Leave-one-out validation of the FPGA model: fits the calibrated coefficients (least squares of relative BRAM, then
// LUT errors, non-negative) on all published designs but one group, predicts the held-out group, and repeats.
import type { CostCoefficients, DevicePreset } from './devices.js';
import { estimateHardware, type HardwareTotals } from './evaluate.js';
import type { PublishedDesign } from './publishedDesign.js';

/** Coefficients that enter the LUT total linearly, and so can be fitted by least squares. */
export type LinearCoefficient =
  | 'thresholdLutsPerBit'
  | 'poolLutsPerBit'
  | 'swgBaseLuts'
  | 'swgLutsPerBit'
  | 'layerControlLuts'
  | 'shellLuts'
  | 'adderLutsPerBit'
  | 'popcountLutsPerInput'
  | 'accLutsPerBit'
  | 'xnorLuts'
  | 'lutsPerSpilledBram36'
  | 'layerFifoBram36';

/** One row of the validation table. Errors are percentages: 100·(predicted − measured)/measured. */
export interface ValidationRow {
  id: string;
  group: string;
  scope: PublishedDesign['scope'];
  measuredLuts: number;
  /** Predicted with the coefficients fitted on every design. */
  fittedLuts: number;
  /** Predicted with the coefficients fitted without this design's group. */
  heldOutLuts: number;
  lutErrorPct: number;
  heldOutLutErrorPct: number;
  measuredBram36: number;
  predictedBram36: number;
  bramErrorPct: number;
  /** Reference img/s (clock / published cycles of the slowest layer), or null where none was published. */
  referenceFps: number | null;
  predictedFps: number;
  fpsErrorPct: number | null;
  /** The coefficients fitted without this group. */
  heldOutCoefficients: Partial<CostCoefficients>;
}

export interface ValidationResult {
  fitted: LinearCoefficient[];
  /** Coefficients fitted on every design. */
  coefficients: Partial<CostCoefficients>;
  rows: ValidationRow[];
  medianAbsHeldOutLutErrorPct: number;
  maxAbsHeldOutLutErrorPct: number;
}

const totals = (): HardwareTotals => ({
  luts: 0,
  bram36: 0,
  maxCycles: 0,
  sumCycles: 0,
  bottleneckLayer: 0,
  throughputFps: 0,
});

/** LUTs of a design under `c`, in the scope its figure counts (kernel: without the shell). */
export const designLuts = (d: PublishedDesign, device: DevicePreset, c: CostCoefficients): number => {
  const t = estimateHardware(d.candidate, { ...device, clockMhz: d.clockMhz, coefficients: c }, totals());
  return d.scope === 'kernel' ? t.luts - c.shellLuts : t.luts;
};

/** BRAM36 a design asks for under `c`, before the device's cap (what it would use on an unbounded device). */
const bramDemand = (d: PublishedDesign, device: DevicePreset, c: CostCoefficients): number =>
  estimateHardware(d.candidate, { ...device, clockMhz: d.clockMhz, bram36Budget: Infinity, coefficients: c }, totals())
    .bram36;

/**
 * Fits `layerFifoBram36` (the demand is linear in it: demand0 + n_layers·x) by least squares of the relative BRAM
 * error, on the designs whose BRAM is below the device's count: a full device shows the cap, not the demand.
 * Negative pins to 0; with no usable design `base` keeps its value.
 */
export const fitLayerFifoBram36 = (
  designs: PublishedDesign[],
  devices: (name: string) => DevicePreset,
  base: CostCoefficients,
): number => {
  const zero: CostCoefficients = { ...base, layerFifoBram36: 0 };
  let num = 0;
  let den = 0;
  for (const d of designs) {
    const device = devices(d.device);
    if (d.measured.bram36 >= device.bram36Budget) continue;
    const offset = bramDemand(d, device, zero);
    const perUnit = bramDemand(d, device, { ...zero, layerFifoBram36: 1 }) - offset;
    const w2 = 1 / d.measured.bram36 ** 2;
    num += perUnit * (d.measured.bram36 - offset) * w2;
    den += perUnit * perUnit * w2;
  }
  return den > 0 ? Math.max(0, num / den) : base.layerFifoBram36;
};

/** Solves the small symmetric system a·x = b by Gaussian elimination with partial pivoting. */
const solve = (a: number[][], b: number[]): number[] => {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = r;
    [m[col], m[pivot]] = [m[pivot] ?? [], m[col] ?? []];
    const p = m[col]?.[col] ?? 0;
    if (Math.abs(p) < 1e-12) continue; // singular direction: that coefficient stays 0
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = (m[r]?.[col] ?? 0) / p;
      for (let k = col; k <= n; k++) (m[r] as number[])[k] = (m[r]?.[k] ?? 0) - f * (m[col]?.[k] ?? 0);
    }
  }
  return m.map((row, i) => (Math.abs(row[i] ?? 0) < 1e-12 ? 0 : (row[n] ?? 0) / (row[i] ?? 1)));
};

/**
 * Fits `names` on `designs`, minimising Σ((predicted − measured)/measured)²: `layerFifoBram36` on BRAM first
 * (fitLayerFifoBram36), then the rest on LUTs. LUTs are linear in each of those, so each design's feature for a
 * coefficient is its LUT change per unit of it. A coefficient that comes out negative is pinned to 0 and the rest
 * refitted (LUT costs cannot be negative).
 */
export const fitCoefficients = (
  designs: PublishedDesign[],
  devices: (name: string) => DevicePreset,
  base: CostCoefficients,
  names: LinearCoefficient[],
): CostCoefficients => {
  // BRAM first: the LUT total depends on it through the spill when a design fills the device.
  if (names.includes('layerFifoBram36')) {
    const lutNames = names.filter((n) => n !== 'layerFifoBram36');
    return fitLutCoefficients(
      designs,
      devices,
      { ...base, layerFifoBram36: fitLayerFifoBram36(designs, devices, base) },
      lutNames,
    );
  }
  return fitLutCoefficients(designs, devices, base, names);
};

/** The LUT part of fitCoefficients: `names` must all enter the LUT total linearly. */
const fitLutCoefficients = (
  designs: PublishedDesign[],
  devices: (name: string) => DevicePreset,
  base: CostCoefficients,
  names: LinearCoefficient[],
): CostCoefficients => {
  let free = [...names];
  for (;;) {
    const zero: CostCoefficients = { ...base };
    for (const n of names) zero[n] = 0;
    const rows = designs.map((d) => {
      const device = devices(d.device);
      const offset = designLuts(d, device, zero);
      const features = free.map((n) => designLuts(d, device, { ...zero, [n]: 1 }) - offset);
      return { features, target: d.measured.luts - offset, weight: 1 / d.measured.luts };
    });
    const ata = free.map((_, i) =>
      free.map((__, j) => rows.reduce((s, r) => s + (r.features[i] ?? 0) * (r.features[j] ?? 0) * r.weight ** 2, 0)),
    );
    const atb = free.map((_, i) => rows.reduce((s, r) => s + (r.features[i] ?? 0) * r.target * r.weight ** 2, 0));
    const x = solve(ata, atb);
    const negative = free.filter((_, i) => (x[i] ?? 0) < 0);
    if (negative.length === 0) {
      free.forEach((n, i) => {
        zero[n] = x[i] ?? 0;
      });
      return zero;
    }
    free = free.filter((n) => !negative.includes(n));
  }
};

const pct = (predicted: number, measured: number): number => (100 * (predicted - measured)) / measured;

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const pick = (c: CostCoefficients, names: LinearCoefficient[]): Partial<CostCoefficients> =>
  Object.fromEntries(names.map((n) => [n, c[n]]));

/** Fits on all designs, then on all but each group in turn, and tabulates measured vs predicted LUTs, BRAM and img/s. */
export const validateLeaveOneOut = (
  designs: PublishedDesign[],
  devices: (name: string) => DevicePreset,
  base: CostCoefficients,
  names: LinearCoefficient[],
): ValidationResult => {
  const all = fitCoefficients(designs, devices, base, names);
  const rows = designs.map((d): ValidationRow => {
    const device = devices(d.device);
    const held = fitCoefficients(
      designs.filter((o) => o.group !== d.group),
      devices,
      base,
      names,
    );
    const t = estimateHardware(d.candidate, { ...device, clockMhz: d.clockMhz, coefficients: held }, totals());
    const fittedLuts = designLuts(d, device, all);
    const heldOutLuts = designLuts(d, device, held);
    const referenceFps = d.referenceMaxCycles === null ? null : (d.clockMhz * 1e6) / d.referenceMaxCycles;
    return {
      id: d.id,
      group: d.group,
      scope: d.scope,
      measuredLuts: d.measured.luts,
      fittedLuts,
      heldOutLuts,
      lutErrorPct: pct(fittedLuts, d.measured.luts),
      heldOutLutErrorPct: pct(heldOutLuts, d.measured.luts),
      measuredBram36: d.measured.bram36,
      predictedBram36: t.bram36,
      bramErrorPct: pct(t.bram36, d.measured.bram36),
      referenceFps,
      predictedFps: t.throughputFps,
      fpsErrorPct: referenceFps === null ? null : pct(t.throughputFps, referenceFps),
      heldOutCoefficients: pick(held, names),
    };
  });
  const abs = rows.map((r) => Math.abs(r.heldOutLutErrorPct));
  return {
    fitted: names,
    coefficients: pick(all, names),
    rows,
    medianAbsHeldOutLutErrorPct: median(abs),
    maxAbsHeldOutLutErrorPct: Math.max(...abs),
  };
};

/** The targets of issue 16: held-out LUT error per design and median, throughput and BRAM error, in percent. */
export interface ValidationBounds {
  maxHeldOutLutErrorPct: number;
  medianHeldOutLutErrorPct: number;
  maxFpsErrorPct: number;
  maxBramErrorPct: number;
}

export const VALIDATION_BOUNDS: ValidationBounds = {
  maxHeldOutLutErrorPct: 15,
  medianHeldOutLutErrorPct: 8,
  maxFpsErrorPct: 5,
  maxBramErrorPct: 20,
};

/** One error outside its bound; `id` is 'median' for the median LUT error. */
export interface ValidationViolation {
  id: string;
  metric: 'heldOutLuts' | 'medianHeldOutLuts' | 'throughputFps' | 'bram36';
  errorPct: number;
  boundPct: number;
}

/** Every error of `result` outside `bounds` (absolute values). Empty when all targets hold. */
export const validationViolations = (
  result: ValidationResult,
  bounds: ValidationBounds = VALIDATION_BOUNDS,
): ValidationViolation[] => {
  const out: ValidationViolation[] = [];
  for (const r of result.rows) {
    if (!(Math.abs(r.heldOutLutErrorPct) <= bounds.maxHeldOutLutErrorPct))
      out.push({
        id: r.id,
        metric: 'heldOutLuts',
        errorPct: r.heldOutLutErrorPct,
        boundPct: bounds.maxHeldOutLutErrorPct,
      });
    if (r.fpsErrorPct !== null && !(Math.abs(r.fpsErrorPct) <= bounds.maxFpsErrorPct))
      out.push({ id: r.id, metric: 'throughputFps', errorPct: r.fpsErrorPct, boundPct: bounds.maxFpsErrorPct });
    if (!(Math.abs(r.bramErrorPct) <= bounds.maxBramErrorPct))
      out.push({ id: r.id, metric: 'bram36', errorPct: r.bramErrorPct, boundPct: bounds.maxBramErrorPct });
  }
  if (!(result.medianAbsHeldOutLutErrorPct <= bounds.medianHeldOutLutErrorPct)) {
    out.push({
      id: 'median',
      metric: 'medianHeldOutLuts',
      errorPct: result.medianAbsHeldOutLutErrorPct,
      boundPct: bounds.medianHeldOutLutErrorPct,
    });
  }
  return out;
};
