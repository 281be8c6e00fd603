// Whole-network evaluation of the layer-pipelined accelerator: per-layer LUTs/BRAM/cycles, total LUTs, throughput
// (clock / slowest layer) and latency (sum of layer cycles). estimateHardware is the allocation-free hot path.
import type { Candidate, Layer } from '../space/index.js';
import type { DevicePreset } from './devices.js';
import {
  C_ACC,
  C_ACT,
  C_ADDER,
  C_BRAM,
  C_BUF,
  C_CTRL,
  C_CYCLES,
  C_LUTS,
  C_MUL,
  C_POOL,
  C_SBRAM,
  C_SSPILL,
  C_TBRAM,
  C_TSPILL,
  C_WBRAM,
  C_WMEM,
  C_WSPILL,
  SCRATCH_SIZE,
  costLayer,
} from './lutModel.js';

/** One layer of the breakdown. */
export interface LayerCost {
  index: number;
  kind: Layer['kind'];
  pe: number;
  simd: number;
  luts: number;
  lutsByPart: {
    multipliers: number;
    adderTree: number;
    accumulators: number;
    activation: number;
    weightMemory: number;
    lineBuffer: number;
    pool: number;
    control: number;
  };
  bram36: number;
  cyclesPerImage: number;
  /** This layer alone, at the device clock. */
  maxFps: number;
}

export interface HardwareResult {
  device: string;
  clockMhz: number;
  luts: number;
  bram36: number;
  /** The model maps every multiplier to LUTs (FINN/FGNAS style), so this is 0. */
  dsp: number;
  /** Images per second: clock / max layer cycles. */
  throughputFps: number;
  /** One image through the whole pipeline: sum of layer cycles / clock. */
  latencyMs: number;
  /** Index of the slowest layer. */
  bottleneckLayer: number;
  maxCycles: number;
  layers: LayerCost[];
}

/** Totals only; estimateHardware fills one of these in place. */
export interface HardwareTotals {
  luts: number;
  bram36: number;
  maxCycles: number;
  sumCycles: number;
  bottleneckLayer: number;
  throughputFps: number;
}

const scratch = new Float64Array(SCRATCH_SIZE);
let perLayer = new Float64Array(64 * SCRATCH_SIZE);
/** The block-RAM memories of the network walked last, as (BRAM36, LUTs as LUTRAM) pairs: 4 per layer. */
const MEMS_PER_LAYER = 4;
let memories = new Float64Array(64 * MEMS_PER_LAYER * 2);
let order = new Int32Array(64 * MEMS_PER_LAYER);
let ratios = new Float64Array(64 * MEMS_PER_LAYER);

/**
 * When the memories need more BRAM36 than `budget`, moves the ones that are cheapest as LUTRAM (fewest LUTs per
 * BRAM36 freed: the shallowest, least-filled ones) to LUTRAM until the rest fit, as synthesis maps the smaller
 * memories to distributed RAM when block RAM runs out. The last one moved counts pro rata, so the cost is
 * continuous in the demand. Returns the LUTs added.
 */
const spillToLutram = (count: number, demand: number, budget: number): number => {
  if (order.length < count) {
    order = new Int32Array(count);
    ratios = new Float64Array(count);
  }
  // Insertion sort of the block-RAM memories by LUTs per BRAM36 (a few dozen entries).
  let n = 0;
  for (let m = 0; m < count; m++) {
    const bram = memories[2 * m] ?? 0;
    if (bram <= 0) continue;
    const ratio = (memories[2 * m + 1] ?? 0) / bram;
    let j = n++;
    while (j > 0 && (ratios[j - 1] ?? 0) > ratio) {
      ratios[j] = ratios[j - 1] ?? 0;
      order[j] = order[j - 1] ?? 0;
      j--;
    }
    ratios[j] = ratio;
    order[j] = m;
  }
  let over = demand - budget;
  let luts = 0;
  for (let j = 0; j < n && over > 1e-9; j++) {
    const m = order[j] ?? 0;
    const bram = memories[2 * m] ?? 0;
    const share = bram <= over ? 1 : over / bram;
    luts += share * (memories[2 * m + 1] ?? 0);
    over -= share * bram;
  }
  return luts;
};

/**
 * Walks the network computing shapes inline, costs each layer into `scratch`, accumulates totals into `out` and,
 * when `keepLayers`, copies each layer's costs into `perLayer`. No closures or objects: this is the hot path.
 * Shapes follow src/space/shapes.ts; an impossible size (< 1) is clamped to 1 (validate candidates first).
 */
const walk = (candidate: Candidate, device: DevicePreset, out: HardwareTotals, keepLayers: boolean): HardwareTotals => {
  const c = device.coefficients;
  let h = candidate.input.height;
  let w = candidate.input.width;
  let ch = candidate.input.channels;
  let inBits = candidate.input.bits;
  const layers = candidate.layers;
  const last = layers.length - 1;
  if (keepLayers && perLayer.length < layers.length * SCRATCH_SIZE)
    perLayer = new Float64Array(layers.length * SCRATCH_SIZE);
  if (memories.length < layers.length * MEMS_PER_LAYER * 2)
    memories = new Float64Array(layers.length * MEMS_PER_LAYER * 2);
  let luts = c.shellLuts;
  let bram = 0;
  let maxCycles = 0;
  let sumCycles = 0;
  let bottleneck = 0;
  for (let i = 0; i <= last; i++) {
    const layer = layers[i];
    if (layer === undefined) continue;
    const outBits = i === last ? 0 : layer.activationBits;
    if (layer.kind === 'conv') {
      const k = layer.kernelSize;
      const oh = layer.padding === 'same' ? Math.ceil(h / layer.stride) : Math.floor((h - k) / layer.stride) + 1;
      const ow = layer.padding === 'same' ? Math.ceil(w / layer.stride) : Math.floor((w - k) / layer.stride) + 1;
      const convH = oh < 1 ? 1 : oh;
      const convW = ow < 1 ? 1 : ow;
      const mp = layer.maxPool;
      costLayer(
        scratch,
        c,
        k,
        layer.stride,
        w,
        ch,
        convH,
        convW,
        layer.filters,
        k * k * ch,
        mp !== undefined,
        layer.weightBits,
        inBits,
        outBits,
        layer.pe,
        layer.simd,
      );
      h = mp ? Math.max(1, Math.floor((convH - mp.size) / mp.stride) + 1) : convH;
      w = mp ? Math.max(1, Math.floor((convW - mp.size) / mp.stride) + 1) : convW;
      ch = layer.filters;
    } else {
      costLayer(
        scratch,
        c,
        0,
        1,
        1,
        1,
        1,
        1,
        layer.units,
        h * w * ch,
        false,
        layer.weightBits,
        inBits,
        outBits,
        layer.pe,
        layer.simd,
      );
      h = 1;
      w = 1;
      ch = layer.units;
    }
    inBits = layer.activationBits;
    luts += scratch[C_LUTS] ?? 0;
    bram += scratch[C_BRAM] ?? 0;
    const m = i * MEMS_PER_LAYER * 2;
    memories[m] = scratch[C_WBRAM] ?? 0;
    memories[m + 1] = scratch[C_WSPILL] ?? 0;
    memories[m + 2] = scratch[C_TBRAM] ?? 0;
    memories[m + 3] = scratch[C_TSPILL] ?? 0;
    memories[m + 4] = scratch[C_SBRAM] ?? 0;
    memories[m + 5] = scratch[C_SSPILL] ?? 0;
    memories[m + 6] = c.layerFifoBram36;
    memories[m + 7] = c.layerFifoBram36 * c.lutsPerSpilledBram36;
    const cycles = scratch[C_CYCLES] ?? 0;
    sumCycles += cycles;
    if (cycles > maxCycles) {
      maxCycles = cycles;
      bottleneck = i;
    }
    if (keepLayers) perLayer.set(scratch, i * SCRATCH_SIZE);
  }
  // Memories that do not fit the device's BRAM spill to LUTRAM, the cheapest first (spillToLutram). A full BRAM36
  // holds 36 Kbit, i.e. lutsPerSpilledBram36 (576) LUTs of 64×1 distributed RAM (UG474); a shallow one far fewer.
  if (bram > device.bram36Budget) {
    luts += spillToLutram((last + 1) * MEMS_PER_LAYER, bram, device.bram36Budget);
    bram = device.bram36Budget;
  }
  out.luts = Math.round(luts);
  out.bram36 = bram;
  out.maxCycles = maxCycles;
  out.sumCycles = sumCycles;
  out.bottleneckLayer = bottleneck;
  out.throughputFps = maxCycles > 0 ? (device.clockMhz * 1e6) / maxCycles : Infinity;
  return out;
};

/** Allocation-free totals for search loops; pass the same `out` object each call. */
export const estimateHardware = (candidate: Candidate, device: DevicePreset, out: HardwareTotals): HardwareTotals =>
  walk(candidate, device, out, false);

/** Full evaluation with the per-layer breakdown. The candidate should be valid (validateCandidate). */
export const evaluateHardware = (candidate: Candidate, device: DevicePreset): HardwareResult => {
  const clockHz = device.clockMhz * 1e6;
  const totals = walk(
    candidate,
    device,
    { luts: 0, bram36: 0, maxCycles: 0, sumCycles: 0, bottleneckLayer: 0, throughputFps: 0 },
    true,
  );
  const layers: LayerCost[] = candidate.layers.map((layer, index) => {
    const base = index * SCRATCH_SIZE;
    const v = (i: number): number => Math.round(perLayer[base + i] ?? 0);
    const cycles = perLayer[base + C_CYCLES] ?? 0;
    return {
      index,
      kind: layer.kind,
      pe: layer.pe,
      simd: layer.simd,
      luts: v(C_LUTS),
      lutsByPart: {
        multipliers: v(C_MUL),
        adderTree: v(C_ADDER),
        accumulators: v(C_ACC),
        activation: v(C_ACT),
        weightMemory: v(C_WMEM),
        lineBuffer: v(C_BUF),
        pool: v(C_POOL),
        control: v(C_CTRL),
      },
      bram36: perLayer[base + C_BRAM] ?? 0,
      cyclesPerImage: cycles,
      maxFps: clockHz / cycles,
    };
  });
  return {
    device: device.name,
    clockMhz: device.clockMhz,
    luts: totals.luts,
    bram36: totals.bram36,
    dsp: 0,
    throughputFps: totals.throughputFps,
    latencyMs: (totals.sumCycles / clockHz) * 1e3,
    bottleneckLayer: totals.bottleneckLayer,
    maxCycles: totals.maxCycles,
    layers,
  };
};
