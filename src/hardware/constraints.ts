// Constraint check: a design is feasible iff LUTs ≤ budget and throughput ≥ requirement (and, when given, BRAM and
// DSP within budget). Returns every failing constraint with its limit, the actual value and the excess.
import type { Candidate } from '../space/index.js';
import type { DevicePreset } from './devices.js';
import { evaluateHardware, estimateHardware, type HardwareResult, type HardwareTotals } from './evaluate.js';
import { HardwareError } from './hardwareError.js';

/** What the design must satisfy. */
export interface HardwareBudget {
  /** Maximum LUTs. @default the device's lutBudget */
  maxLuts?: number;
  /** Minimum images per second. @default 0 (no requirement) */
  minFps?: number;
  /** Maximum BRAM36 tiles. @default unchecked */
  maxBram36?: number;
  /** Maximum DSP slices. @default unchecked */
  maxDsp?: number;
}

export type ConstraintName = 'luts' | 'throughputFps' | 'bram36' | 'dsp';

export interface ConstraintViolation {
  constraint: ConstraintName;
  limit: number;
  actual: number;
  /** How far past the limit: actual − limit for maxima, limit − actual for the fps minimum. Always > 0. */
  excess: number;
}

export interface ConstraintCheckResult {
  feasible: boolean;
  violations: ConstraintViolation[];
}

export type HardwareCheckResult = HardwareResult &
  ConstraintCheckResult & { budget: Required<Pick<HardwareBudget, 'maxLuts' | 'minFps'>> & HardwareBudget };

/** Throws HardwareError (BAD_USER_INPUT) for a negative or non-numeric budget. */
export const assertBudget = (budget: HardwareBudget): void => {
  for (const [key, value] of Object.entries(budget)) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new HardwareError(
        'BAD_USER_INPUT',
        `budget.${key} expects a non-negative number, but got ${JSON.stringify(value)}`,
      );
    }
  }
};

/** Checks totals against a budget. */
export const checkConstraints = (
  totals: Pick<HardwareTotals, 'luts' | 'bram36' | 'throughputFps'> & { dsp?: number },
  device: DevicePreset,
  budget: HardwareBudget = {},
): ConstraintCheckResult => {
  const violations: ConstraintViolation[] = [];
  const maxLuts = budget.maxLuts ?? device.lutBudget;
  if (totals.luts > maxLuts)
    violations.push({ constraint: 'luts', limit: maxLuts, actual: totals.luts, excess: totals.luts - maxLuts });
  const minFps = budget.minFps ?? 0;
  if (totals.throughputFps < minFps)
    violations.push({
      constraint: 'throughputFps',
      limit: minFps,
      actual: totals.throughputFps,
      excess: minFps - totals.throughputFps,
    });
  if (budget.maxBram36 !== undefined && totals.bram36 > budget.maxBram36)
    violations.push({
      constraint: 'bram36',
      limit: budget.maxBram36,
      actual: totals.bram36,
      excess: totals.bram36 - budget.maxBram36,
    });
  const dsp = totals.dsp ?? 0;
  if (budget.maxDsp !== undefined && dsp > budget.maxDsp)
    violations.push({ constraint: 'dsp', limit: budget.maxDsp, actual: dsp, excess: dsp - budget.maxDsp });
  return { feasible: violations.length === 0, violations };
};

/** Evaluates a candidate and checks it: totals, per-layer breakdown, feasibility and violations. */
export const checkHardware = (
  candidate: Candidate,
  device: DevicePreset,
  budget: HardwareBudget = {},
): HardwareCheckResult => {
  assertBudget(budget);
  const result = evaluateHardware(candidate, device);
  const check = checkConstraints(result, device, budget);
  return {
    ...result,
    ...check,
    budget: { ...budget, maxLuts: budget.maxLuts ?? device.lutBudget, minFps: budget.minFps ?? 0 },
  };
};

const totalsScratch: HardwareTotals = {
  luts: 0,
  bram36: 0,
  maxCycles: 0,
  sumCycles: 0,
  bottleneckLayer: 0,
  throughputFps: 0,
};

/** Allocation-free feasibility for search loops (LUTs, fps and, when given, BRAM). */
export const isFeasible = (candidate: Candidate, device: DevicePreset, budget: HardwareBudget = {}): boolean => {
  const t = estimateHardware(candidate, device, totalsScratch);
  return (
    t.luts <= (budget.maxLuts ?? device.lutBudget) &&
    t.throughputFps >= (budget.minFps ?? 0) &&
    (budget.maxBram36 === undefined || t.bram36 <= budget.maxBram36)
  );
};
