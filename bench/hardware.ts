// Benchmark of the analytical FPGA model: evaluations per second on random QNAS-paper-space candidates, one core,
// for the allocation-free estimateHardware (the search hot path) and the full evaluateHardware breakdown, plus the
// leave-one-out validation table on the published designs (the same as `cosearch hw validate --json`).
import os from 'node:os';
import {
  estimateHardware,
  evaluateHardware,
  isFeasible,
  ZYNQ7020,
  type HardwareTotals,
} from '../src/hardware/index.js';
import { createRng, QNAS_SPACE, sampleCandidate, type Candidate } from '../src/space/index.js';
import { runHwValidation } from '../src/cli/commands/hwValidate.js';

interface LoopResult {
  /** Evaluations per second of CPU time used by this (single-threaded) process: the one-core rate. */
  evalsPerCpuSec: number;
  /** Evaluations per wall-clock second: lower than the CPU rate when other processes share the core. */
  evalsPerWallSec: number;
  evaluations: number;
  checksum: number;
}

const timeLoop = (candidates: Candidate[], minCpuSeconds: number, body: (c: Candidate) => number): LoopResult => {
  let evaluations = 0;
  let checksum = 0;
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let cpuSeconds = 0;
  while (cpuSeconds < minCpuSeconds) {
    for (const c of candidates) checksum += body(c);
    evaluations += candidates.length;
    const cpu = process.cpuUsage(cpuStart);
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  return {
    evalsPerCpuSec: Math.round(evaluations / cpuSeconds),
    evalsPerWallSec: Math.round(evaluations / wallSeconds),
    evaluations,
    checksum,
  };
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const count = Number(args[0] ?? 10_000);
  const rng = createRng(2019);
  const candidates = Array.from({ length: count }, () => sampleCandidate(QNAS_SPACE, rng));
  const totals: HardwareTotals = {
    luts: 0,
    bram36: 0,
    maxCycles: 0,
    sumCycles: 0,
    bottleneckLayer: 0,
    throughputFps: 0,
  };
  timeLoop(candidates, 1, (c) => estimateHardware(c, ZYNQ7020, totals).luts); // warm-up for the JIT
  const estimate = timeLoop(candidates, 3, (c) => estimateHardware(c, ZYNQ7020, totals).luts);
  const feasible = timeLoop(candidates, 2, (c) => (isFeasible(c, ZYNQ7020, { maxLuts: 30_000, minFps: 500 }) ? 1 : 0));
  const full = timeLoop(candidates, 2, (c) => evaluateHardware(c, ZYNQ7020).luts);
  const meanLayers = candidates.reduce((s, c) => s + c.layers.length, 0) / candidates.length;
  const validation = runHwValidation();
  return {
    space: 'qnas',
    device: 'zynq7020',
    candidates: count,
    meanLayers,
    estimateHardware: { evalsPerCpuSec: estimate.evalsPerCpuSec, evalsPerWallSec: estimate.evalsPerWallSec },
    isFeasible: {
      evalsPerCpuSec: feasible.evalsPerCpuSec,
      evalsPerWallSec: feasible.evalsPerWallSec,
      feasibleFraction: feasible.checksum / feasible.evaluations,
    },
    evaluateHardware: { evalsPerCpuSec: full.evalsPerCpuSec, evalsPerWallSec: full.evalsPerWallSec },
    goalEvalsPerSec: 200_000,
    validation: {
      designsFile: 'bench/data/fpga-designs.json',
      fitted: validation.fitted,
      coefficients: validation.coefficients,
      medianAbsHeldOutLutErrorPct: validation.medianAbsHeldOutLutErrorPct,
      maxAbsHeldOutLutErrorPct: validation.maxAbsHeldOutLutErrorPct,
      rows: validation.rows.map(({ heldOutCoefficients: _held, ...row }) => row),
      violations: validation.violations,
    },
    loadAverage1m: os.loadavg()[0],
    note: 'single thread; rates per CPU-second (one core) and per wall second; candidates sampled with createRng(2019)',
  };
}
