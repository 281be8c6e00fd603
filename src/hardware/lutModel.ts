// The per-layer cost equations of a FINN-style matrix-vector unit (PE × SIMD lanes): LUTs by component, BRAM36
// and cycles per image. Writes into a caller's scratch array so the hot path allocates nothing.
import type { CostCoefficients } from './devices.js';

/** Indices into the scratch Float64Array that costLayer fills. */
export const C_MUL = 0;
export const C_ADDER = 1;
export const C_ACC = 2;
export const C_ACT = 3;
export const C_WMEM = 4;
export const C_BUF = 5;
export const C_POOL = 6;
export const C_CTRL = 7;
export const C_LUTS = 8;
export const C_BRAM = 9;
export const C_CYCLES = 10;
export const SCRATCH_SIZE = 11;

/** ceil(log2(n)) for integers n >= 1, without floating point. */
const ceilLog2 = (n: number): number => 32 - Math.clz32(n - 1);

/**
 * BRAM36 tiles for a depth × width memory. Vivado picks the shallowest aspect ratio (UG473: 512×72, 1K×36, 2K×18,
 * 4K×9, 8K×4, 16K×2, 32K×1) that holds the depth, then stacks tiles side by side for the width.
 */
export const bram36For = (depth: number, width: number): number => {
  if (depth > 32768) return width * Math.ceil(depth / 32768);
  const aspect = depth <= 512 ? 0 : ceilLog2(depth) - 9; // 0 → 512×72 … 6 → 32K×1
  const bitsWide = aspect === 0 ? 72 : aspect === 1 ? 36 : aspect === 2 ? 18 : aspect === 3 ? 9 : aspect === 4 ? 4 : aspect === 5 ? 2 : 1;
  return Math.ceil(width / bitsWide);
};

/** Multiplier LUTs per lane: XNOR at 1×1, else the FGNAS line in w·a. Non-decreasing in both widths. */
export const multiplierLuts = (weightBits: number, inputBits: number, c: CostCoefficients): number =>
  weightBits * inputBits === 1 ? c.xnorLuts : c.mulLutsPerBitProduct * weightBits * inputBits + c.mulLutsBase;

/** Accumulator width: product bits plus the growth of summing `fanIn` terms. */
export const accumulatorBits = (weightBits: number, inputBits: number, fanIn: number): number =>
  (weightBits * inputBits === 1 ? 1 : weightBits + inputBits) + ceilLog2(fanIn < 2 ? 2 : fanIn);


/**
 * Costs one layer into `out` (indices C_*). `convK` is 0 for a dense layer. `outBits` is 0 for the classifier
 * (no threshold unit: the host takes the arg-max of the accumulators).
 */
export const costLayer = (
  out: Float64Array, c: CostCoefficients,
  convK: number, inW: number, inC: number, convOutH: number, convOutW: number, outC: number, fanIn: number, pooled: boolean,
  weightBits: number, inputBits: number, outBits: number, pe: number, simd: number,
): void => {
  const p = pe < outC ? pe : outC;
  const s = simd < fanIn ? simd : fanIn;
  const prodBits = weightBits * inputBits === 1 ? 1 : weightBits + inputBits;
  const accBits = accumulatorBits(weightBits, inputBits, fanIn);
  const mul = p * s * multiplierLuts(weightBits, inputBits, c);
  // 1-bit products: a popcount, about one LUT per input. Otherwise a tree of s-1 adders whose width grows from the
  // product bits to the accumulator bits (mean width below). Both are non-decreasing in the bit widths.
  const adder = prodBits === 1
    ? p * s * c.popcountLutsPerInput
    : p * (s - 1) * (prodBits + ceilLog2(s + 1) / 2) * c.adderLutsPerBit;
  const acc = p * accBits * c.accLutsPerBit;
  const thresholds = outBits === 0 ? 0 : Math.min((1 << outBits) - 1, c.maxParallelThresholds);
  const act = p * accBits * thresholds * c.thresholdLutsPerBit;
  // Weights: one bank per PE, depth = folded rows, width = SIMD·weightBits. Thresholds: depth = outC/PE.
  const wDepth = Math.ceil(fanIn / s) * Math.ceil(outC / p);
  const tDepth = Math.ceil(outC / p);
  let wmem = 0;
  let bram = 0;
  if (wDepth <= c.lutramMaxDepth) wmem += p * Math.ceil(wDepth / 64) * s * weightBits;
  else bram += p * bram36For(wDepth, s * weightBits);
  if (thresholds > 0) {
    if (tDepth <= c.lutramMaxDepth) wmem += p * Math.ceil(tDepth / 64) * accBits * thresholds;
    else bram += p * bram36For(tDepth, accBits * thresholds);
  }
  // Sliding-window buffer of a conv: k rows of the input, SIMD·inputBits wide.
  let buf = 0;
  if (convK > 0) {
    const bufDepth = Math.ceil((convK * inW * inC) / s);
    if (bufDepth <= c.lutramMaxDepth) buf += Math.ceil(bufDepth / 64) * s * inputBits;
    else bram += bram36For(bufDepth, s * inputBits);
    buf += c.swgBaseLuts + s * inputBits * c.swgLutsPerBit;
  }
  const pool = pooled ? p * (outBits === 0 ? 1 : outBits) * c.poolLutsPerBit : 0;
  out[C_MUL] = mul;
  out[C_ADDER] = adder;
  out[C_ACC] = acc;
  out[C_ACT] = act;
  out[C_WMEM] = wmem;
  out[C_BUF] = buf;
  out[C_POOL] = pool;
  out[C_CTRL] = c.layerControlLuts;
  out[C_LUTS] = mul + adder + acc + act + wmem + buf + pool + c.layerControlLuts;
  out[C_BRAM] = bram;
  out[C_CYCLES] = convOutH * convOutW * Math.ceil(outC / pe) * Math.ceil(fanIn / simd);
};
