// Property and unit tests of the FPGA model: monotone in bits and parallelism, constraint check, auto-folding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  autoFold,
  checkHardware,
  estimateHardware,
  evaluateHardware,
  isFeasible,
  LUT30K,
  resolveDevice,
  ZYNQ7020,
  type HardwareTotals,
} from '../../src/hardware/index.js';
import {
  createRng,
  FINN_SPACE,
  QNAS_AUTO_SPACE,
  QNAS_SPACE,
  QUICK_SPACE,
  sampleCandidate,
  type Candidate,
} from '../../src/space/index.js';

const totals = (): HardwareTotals => ({
  luts: 0,
  bram36: 0,
  maxCycles: 0,
  sumCycles: 0,
  bottleneckLayer: 0,
  throughputFps: 0,
});
const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const spaces = [QNAS_SPACE, FINN_SPACE, QUICK_SPACE];

describe('FPGA model properties', () => {
  it('never costs fewer LUTs when any layer gets more weight or activation bits', () => {
    fc.assert(
      fc.property(seed, fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 8 }), (s, pick, weights, extra) => {
        for (const space of spaces) {
          const c = sampleCandidate(space, createRng(s));
          const more: Candidate = structuredClone(c);
          const layer = more.layers[pick % more.layers.length];
          if (!layer) return;
          if (weights) layer.weightBits = Math.min(16, layer.weightBits + extra);
          else layer.activationBits = Math.min(16, layer.activationBits + extra);
          expect(estimateHardware(more, ZYNQ7020, totals()).luts).toBeGreaterThanOrEqual(
            estimateHardware(c, ZYNQ7020, totals()).luts,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers throughput when any layer gets more PE or SIMD', () => {
    fc.assert(
      fc.property(seed, fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 64 }), (s, pick, pe, extra) => {
        for (const space of spaces) {
          const c = sampleCandidate(space, createRng(s));
          const more: Candidate = structuredClone(c);
          const layer = more.layers[pick % more.layers.length];
          if (!layer) return;
          if (pe) layer.pe += extra;
          else layer.simd += extra;
          expect(estimateHardware(more, ZYNQ7020, totals()).throughputFps).toBeGreaterThanOrEqual(
            estimateHardware(c, ZYNQ7020, totals()).throughputFps,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same totals in the fast path and the full breakdown, and the parts sum to the layer LUTs', () => {
    const c = sampleCandidate(QNAS_SPACE, createRng(11));
    const full = evaluateHardware(c, ZYNQ7020);
    const fast = estimateHardware(c, ZYNQ7020, totals());
    expect(full.luts).toBe(fast.luts);
    expect(full.throughputFps).toBe(fast.throughputFps);
    for (const layer of full.layers) {
      const sum = Object.values(layer.lutsByPart).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - layer.luts)).toBeLessThanOrEqual(8); // each part is rounded separately
    }
    expect(full.latencyMs).toBeGreaterThanOrEqual(1e3 / full.throughputFps);
  });

  it('makes a 1x1-bit (XNOR) lane cheaper than an 8x8-bit lane', () => {
    const c = sampleCandidate(QUICK_SPACE, createRng(2));
    const bits = (b: number): Candidate => ({
      ...c,
      layers: c.layers.map((l) => ({ ...l, weightBits: b, activationBits: b, pe: 4, simd: 4 })),
    });
    expect(evaluateHardware(bits(1), ZYNQ7020).luts).toBeLessThan(evaluateHardware(bits(8), ZYNQ7020).luts);
  });
});

describe('block RAM', () => {
  const conv = (stride: number): Candidate => ({
    input: { height: 32, width: 32, channels: 3, bits: 8 },
    layers: [
      {
        kind: 'conv',
        filters: 16,
        kernelSize: 3,
        stride,
        padding: 'same',
        weightBits: 4,
        activationBits: 4,
        pe: 16,
        simd: 3,
      },
      { kind: 'dense', units: 10, weightBits: 4, activationBits: 4, pe: 10, simd: 64 },
    ],
  });
  const noFifo = { ...ZYNQ7020, coefficients: { ...ZYNQ7020.coefficients, layerFifoBram36: 0 } };

  it('gives a conv window buffer ceil(k/stride) + 1 blocks of stride·in_w·in_c/SIMD words, one RAMB18 each here', () => {
    // 9-deep weights and 1-deep thresholds stay in LUTRAM, so layer 0's BRAM is its window buffer alone:
    // stride 1: 4 blocks of 32 words × 24 bits; stride 2: 3 blocks of 64 words. Each fits one RAMB18 (half a tile).
    expect(evaluateHardware(conv(1), noFifo).layers[0]?.bram36).toBe(2);
    expect(evaluateHardware(conv(2), noFifo).layers[0]?.bram36).toBe(1.5);
    expect(evaluateHardware(conv(1), ZYNQ7020).layers[0]?.bram36).toBeCloseTo(
      2 + ZYNQ7020.coefficients.layerFifoBram36,
      9,
    );
  });

  it('spills the memories cheapest as LUTRAM first when the device is full, and never lowers LUTs as BRAM shrinks', () => {
    const c = sampleCandidate(FINN_SPACE, createRng(3));
    const demand = estimateHardware(c, { ...ZYNQ7020, bram36Budget: Infinity }, totals());
    expect(demand.bram36).toBeGreaterThan(8);
    let previous = demand.luts;
    for (let budget = Math.floor(demand.bram36); budget >= 0; budget -= 1) {
      const t = estimateHardware(c, { ...ZYNQ7020, bram36Budget: budget }, totals());
      expect(t.bram36).toBe(budget);
      expect(t.luts).toBeGreaterThanOrEqual(previous);
      // Never more than a full tile's 576 LUTs for each BRAM36 moved: shallow memories cost less.
      expect(t.luts - demand.luts).toBeLessThanOrEqual(
        Math.ceil((demand.bram36 - budget) * ZYNQ7020.coefficients.lutsPerSpilledBram36) + 1,
      );
      previous = t.luts;
    }
    // The first tiles moved are cheaper than full ones: this design has shallow window buffers in block RAM.
    const one = estimateHardware(c, { ...ZYNQ7020, bram36Budget: demand.bram36 - 1 }, totals());
    expect(one.luts - demand.luts).toBeLessThan(ZYNQ7020.coefficients.lutsPerSpilledBram36);
  });
});

describe('constraint check', () => {
  const small: Candidate = sampleCandidate(QUICK_SPACE, createRng(4));

  it('rejects a candidate over the LUT budget and under the fps target, naming both with their excess', () => {
    const result = checkHardware(small, ZYNQ7020, { maxLuts: 100, minFps: 1e9 });
    expect(result.feasible).toBe(false);
    expect(result.violations.map((v) => v.constraint)).toEqual(['luts', 'throughputFps']);
    const luts = result.violations[0];
    expect(luts?.excess).toBe((luts?.actual ?? 0) - 100);
    expect(result.layers.length).toBe(small.layers.length);
    expect(isFeasible(small, ZYNQ7020, { maxLuts: 100 })).toBe(false);
  });

  it('accepts a candidate within the device budget and uses the device LUTs by default', () => {
    const result = checkHardware(small, LUT30K, {});
    expect(result.budget.maxLuts).toBe(30_000);
    expect(result.feasible).toBe(result.luts <= 30_000);
  });

  it('rejects an unknown device and a negative budget with BAD_USER_INPUT', () => {
    expect(() => resolveDevice('virtex')).toThrow(/zynq7020, 30k, zu3eg, zc706/);
    expect(() => checkHardware(small, ZYNQ7020, { maxLuts: -1 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });
});

describe('auto-folding', () => {
  it('meets the fps target with divisible PE/SIMD whenever reachable', () => {
    const rng = createRng(9);
    for (let i = 0; i < 20; i++) {
      const c = sampleCandidate(QUICK_SPACE, rng);
      const folded = autoFold(c, ZYNQ7020, { minFps: 500 });
      expect(folded.reachable).toBe(true);
      const result = evaluateHardware(folded.candidate, ZYNQ7020);
      expect(result.throughputFps).toBeGreaterThanOrEqual(500);
      folded.candidate.layers.forEach((l, j) => {
        expect(result.layers[j]?.cyclesPerImage).toBeLessThanOrEqual(1e8 / 500);
        const outC = l.kind === 'conv' ? l.filters : l.units;
        expect(outC % l.pe).toBe(0);
      });
    }
  });

  it('folds QNAS candidates without divisibility to the target, quickly, layer by layer', () => {
    const rng = createRng(13);
    for (let i = 0; i < 20; i++) {
      const c = sampleCandidate(QNAS_AUTO_SPACE, rng);
      const folded = autoFold(c, ZYNQ7020, { minFps: 1000, divisible: false });
      const result = evaluateHardware(folded.candidate, ZYNQ7020);
      if (folded.reachable) expect(result.throughputFps).toBeGreaterThanOrEqual(1000);
      else expect(folded.unreachableLayers.every((j) => (result.layers[j]?.maxFps ?? 0) < 1000)).toBe(true);
    }
  });

  it('costs more LUTs for a higher fps target', () => {
    const c = sampleCandidate(QUICK_SPACE, createRng(21));
    const slow = evaluateHardware(autoFold(c, ZYNQ7020, { minFps: 100 }).candidate, ZYNQ7020);
    const fast = evaluateHardware(autoFold(c, ZYNQ7020, { minFps: 5000 }).candidate, ZYNQ7020);
    expect(fast.luts).toBeGreaterThan(slow.luts);
  });

  it('reports unreachable layers instead of failing when the target is beyond full unfolding', () => {
    const c = sampleCandidate(QUICK_SPACE, createRng(5));
    const folded = autoFold(c, ZYNQ7020, { minFps: 1e9 });
    expect(folded.reachable).toBe(false);
    expect(folded.unreachableLayers.length).toBeGreaterThan(0);
    expect(() => autoFold(c, ZYNQ7020, { minFps: 0 })).toThrow(/minFps > 0/);
  });
});
