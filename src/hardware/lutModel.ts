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
/** BRAM36 of this layer's weight memory, thresholds and window buffer, and what each would cost as LUTRAM. */
export const C_WBRAM = 11;
export const C_WSPILL = 12;
export const C_TBRAM = 13;
export const C_TSPILL = 14;
export const C_SBRAM = 15;
export const C_SSPILL = 16;
export const SCRATCH_SIZE = 17;

/** ceil(log2(n)) for integers n >= 1, without floating point. */
const ceilLog2 = (n: number): number => 32 - Math.clz32(n - 1);

/**
 * BRAM36 tiles for a depth × width memory, counted in RAMB18 halves (two per BRAM36 tile, as Vivado reports "Block
 * RAM Tile"). A RAMB18 is 512×36, 1K×18, 2K×9, 4K×4, 8K×2 or 16K×1; a RAMB36 adds 512×72 and 32K×1 (UG473). Memories
 * up to 16K deep take the shallowest RAMB18 aspect that holds the depth, stacked side by side for the width; a
 * 36-bit-or-less slice of a 512-deep memory is half a tile. Deeper memories use RAMB36 32K×1 columns.
 */
export const bram36For = (depth: number, width: number): number => {
  if (depth > 16384) return width * Math.ceil(depth / 32768);
  const aspect = depth <= 512 ? 0 : ceilLog2(depth) - 9; // 0 → 512×36 … 5 → 16K×1
  const bitsWide = aspect === 0 ? 36 : aspect === 1 ? 18 : aspect === 2 ? 9 : aspect === 3 ? 4 : aspect === 4 ? 2 : 1;
  return Math.ceil(width / bitsWide) / 2;
};

/** Bits of one product: 1 for XNOR (1×1); a binary (±1) operand only flips the sign of the other, so max + 1; else w + a. */
export const productBits = (weightBits: number, inputBits: number): number =>
  weightBits === 1 && inputBits === 1
    ? 1
    : weightBits === 1 || inputBits === 1
      ? Math.max(weightBits, inputBits) + 1
      : weightBits + inputBits;

/**
 * Multiplier LUTs per lane: XNOR at 1×1; 0 when one operand is binary (±1), because the conditional negation is
 * absorbed into the first adder's LUT in front of the carry chain (UG474: a LUT6 feeds each carry bit); else the
 * FGNAS line in w·a. Non-decreasing in both widths once the adder tree is counted (see costLayer).
 */
export const multiplierLuts = (weightBits: number, inputBits: number, c: CostCoefficients): number =>
  weightBits * inputBits === 1
    ? c.xnorLuts
    : weightBits === 1 || inputBits === 1
      ? 0
      : c.mulLutsPerBitProduct * weightBits * inputBits + c.mulLutsBase;

/** Accumulator width: product bits plus the growth of summing `fanIn` terms. */
export const accumulatorBits = (weightBits: number, inputBits: number, fanIn: number): number =>
  productBits(weightBits, inputBits) + ceilLog2(fanIn < 2 ? 2 : fanIn);

/**
 * Mean width growth over the s − 1 adders of a balanced tree of s inputs: level k has s/2^k adders of width
 * b + k, so the mean is b + (2s − L − 2)/(s − 1) with L = ⌈log2 s⌉ (1 at s = 2, → 2 for large s).
 */
export const adderTreeGrowth = (s: number): number => (s < 2 ? 0 : (2 * s - ceilLog2(s) - 2) / (s - 1));

/**
 * Costs one layer into `out` (indices C_*). `convK` is 0 for a dense layer (its `convStride` is unused). `outBits` is 0 for the classifier
 * (no threshold unit: the host takes the arg-max of the accumulators).
 */
export const costLayer = (
  out: Float64Array,
  c: CostCoefficients,
  convK: number,
  convStride: number,
  inW: number,
  inC: number,
  convOutH: number,
  convOutW: number,
  outC: number,
  fanIn: number,
  pooled: boolean,
  weightBits: number,
  inputBits: number,
  outBits: number,
  pe: number,
  simd: number,
): void => {
  const p = pe < outC ? pe : outC;
  const s = simd < fanIn ? simd : fanIn;
  const prodBits = productBits(weightBits, inputBits);
  const accBits = accumulatorBits(weightBits, inputBits, fanIn);
  const mul = p * s * multiplierLuts(weightBits, inputBits, c);
  // 1-bit products: a popcount, about one LUT per input. Otherwise a tree of s-1 adders whose width grows from the
  // product bits (mean width: adderTreeGrowth). Both are non-decreasing in the bit widths.
  const adder =
    prodBits === 1 ? p * s * c.popcountLutsPerInput : p * (s - 1) * (prodBits + adderTreeGrowth(s)) * c.adderLutsPerBit;
  const acc = p * accBits * c.accLutsPerBit;
  const thresholds = outBits === 0 ? 0 : Math.min((1 << outBits) - 1, c.maxParallelThresholds);
  const act = p * accBits * thresholds * c.thresholdLutsPerBit;
  // Weights: one bank per PE, depth = folded rows, width = SIMD·weightBits. Thresholds: depth = outC/PE. A memory
  // up to lutramMaxDepth deep is LUTRAM; a deeper one is block RAM, and what it would cost as LUTRAM is kept for
  // the spill when the device's BRAM is full (evaluate.ts).
  const wDepth = Math.ceil(fanIn / s) * Math.ceil(outC / p);
  const tDepth = Math.ceil(outC / p);
  const wLutram = p * Math.ceil(wDepth / 64) * s * weightBits;
  let wmem = 0;
  let wBram = 0;
  if (wDepth <= c.lutramMaxDepth) wmem += wLutram;
  else wBram = p * bram36For(wDepth, s * weightBits);
  const tLutram = p * Math.ceil(tDepth / 64) * accBits * thresholds;
  let tBram = 0;
  if (thresholds > 0) {
    if (tDepth <= c.lutramMaxDepth) wmem += tLutram;
    else tBram = p * bram36For(tDepth, accBits * thresholds);
  }
  // Sliding-window buffer of a conv (finn-hlslib ConvolutionInputGenerator): ⌈k/stride⌉ + 1 blocks of
  // stride·in_w·in_c/SIMD words of SIMD·inputBits, one block RAM each (RAM_2P: written and read every cycle).
  let buf = 0;
  let sBram = 0;
  let sLutram = 0;
  if (convK > 0) {
    const blocks = Math.ceil(convK / convStride) + 1;
    const blockDepth = Math.ceil((convStride * inW * inC) / s);
    sBram = blocks * bram36For(blockDepth, s * inputBits);
    sLutram = blocks * Math.ceil(blockDepth / 64) * s * inputBits;
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
  out[C_BRAM] = wBram + tBram + sBram + c.layerFifoBram36;
  out[C_WBRAM] = wBram;
  out[C_WSPILL] = wLutram;
  out[C_TBRAM] = tBram;
  out[C_TSPILL] = tLutram;
  out[C_SBRAM] = sBram;
  out[C_SSPILL] = sLutram;
  out[C_CYCLES] = convOutH * convOutW * Math.ceil(outC / pe) * Math.ceil(fanIn / simd);
};
