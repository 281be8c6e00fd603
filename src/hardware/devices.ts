// Device presets: clock, LUT/BRAM/DSP budgets and EVERY cost coefficient of the analytical model, each with its
// source. This is the one file to edit when recalibrating. Calibration notes are in docs/hardware.md.

/** Coefficients of the LUT model (see lutModel.ts for the equations). Units are LUTs unless named otherwise. */
export interface CostCoefficients {
  /** LUTs of one 1-bit × 1-bit lane (XNOR). FINN (Umuroglu et al. FPGA'17) maps it to one LUT with its popcount share. */
  xnorLuts: number;
  /** Multiplier LUTs = mulLutsPerBitProduct · wBits · aBits + mulLutsBase, for products above 1×1. */
  mulLutsPerBitProduct: number;
  mulLutsBase: number;
  /** LUTs per bit of each adder in a PE's adder tree (multi-bit products). */
  adderLutsPerBit: number;
  /** LUTs per input of a popcount (1-bit products). */
  popcountLutsPerInput: number;
  /** LUTs per accumulator bit, per PE. */
  accLutsPerBit: number;
  /** LUTs per accumulator bit per threshold comparator, per PE (activation / requantization). */
  thresholdLutsPerBit: number;
  /** Thresholds evaluated in parallel are capped here: wider activations requantize by shift/saturate instead. */
  maxParallelThresholds: number;
  /** LUTs per bit of pooled lanes (comparators of StreamingMaxPool). */
  poolLutsPerBit: number;
  /** Memories no deeper than this go to LUTRAM (64×1 bits per LUT); deeper ones go to block RAM (RAMB18 halves). */
  lutramMaxDepth: number;
  /** Sliding-window (input generator) logic: base LUTs plus LUTs per bit of its SIMD-wide output. */
  swgBaseLuts: number;
  swgLutsPerBit: number;
  /** Per-layer control (loop counters, stream handshakes, FIFOs) in LUTs. */
  layerControlLuts: number;
  /** Fixed shell: DMA, AXI interconnect, width converters, host control. */
  shellLuts: number;
  /** LUTs per BRAM36 of memory that spills to LUTRAM when the device's BRAM is full (36 Kbit / 64 bits per LUT). */
  lutsPerSpilledBram36: number;
  /** BRAM36 per layer beyond its weights, thresholds and window buffer: the inter-layer FIFOs, width converters and
   * the layer's share of the DMA buffers. Spills as full tiles (lutsPerSpilledBram36 each). */
  layerFifoBram36: number;
}

export interface DevicePreset {
  name: string;
  description: string;
  /** Clock of the accelerator in MHz. */
  clockMhz: number;
  lutBudget: number;
  /** BRAM36 tiles available (one BRAM36 = two BRAM18). */
  bram36Budget: number;
  dspBudget: number;
  coefficients: CostCoefficients;
}

/**
 * Coefficients shared by the 7-series / UltraScale+ presets.
 * From first principles or published per-operator figures (not fitted):
 * - mulLutsPerBitProduct/mulLutsBase: least-squares line through FGNAS's measured LUTs per multiplier without DSPs
 *   (about 7 LUTs at 2 bits, 11 at 4, 40 at 8, 62 at 10; design.md "Hardware model"), i.e. 0.57·w·a + 4.7. A binary
 *   (±1) operand costs no multiplier: the sign flip sits in the first adder's LUT (lutModel.ts multiplierLuts).
 * - xnorLuts 1: a 6-input LUT computes one XNOR with its popcount share (FINN, Umuroglu et al. FPGA'17, Sec. 4).
 * - accLutsPerBit 1, popcountLutsPerInput 1: a carry-chain adder costs one LUT per bit (UG474 CLB user guide); a
 *   popcount compresses about one input bit per LUT (FINN, FPGA'17, Sec. 4.2).
 * - thresholdLutsPerBit 1: one carry-chain comparator bit per threshold bit; (2^A − 1) thresholds of accBits each.
 * - LUTRAM is 64×1 bits per SLICEM LUT (UG474): lutramMaxDepth 64 keeps a weight or threshold memory in LUTRAM only
 *   while one LUT deep, and lutsPerSpilledBram36 576 = 36 Kbit / 64 for a full tile that overflows the device's BRAM
 *   (a shallower memory spills for fewer: evaluate.ts spills the cheapest first).
 * - BRAM aspect ratios (RAMB18 512×36 … 16K×1, UG473 block RAM user guide) are in lutModel.ts; the window buffer's
 *   ⌈k/stride⌉ + 1 block RAMs follow finn-hlslib's ConvolutionInputGenerator (slidingwindow.h, RAM_2P).
 * - poolLutsPerBit 2, swgBaseLuts 250, swgLutsPerBit 4, maxParallelThresholds 15: kept from the first calibration.
 * Fitted (FITTED_COEFFICIENTS, by `cosearch hw validate` on the 8 published designs of bench/data/fpga-designs.json;
 * leave-one-group-out refits them without each design, docs/hardware.md):
 * - layerFifoBram36 2.31 (BRAM36 per layer for FIFOs, width converters and DMA buffers), least squares of the
 *   relative BRAM error on the designs that do not fill their device;
 * - then, by least squares of the relative LUT error: shellLuts 7,535 (DMA, AXI, host control of a full design),
 *   layerControlLuts 1,054 (per-layer FIFOs, stream control), adderLutsPerBit 1.06 (HLS adder trees: close to the
 *   one LUT per bit of a carry chain).
 */
export const DEFAULT_COEFFICIENTS: CostCoefficients = {
  xnorLuts: 1,
  mulLutsPerBitProduct: 0.57,
  mulLutsBase: 4.7,
  adderLutsPerBit: 1.06,
  popcountLutsPerInput: 1,
  accLutsPerBit: 1,
  thresholdLutsPerBit: 1,
  maxParallelThresholds: 15,
  poolLutsPerBit: 2,
  lutramMaxDepth: 64,
  swgBaseLuts: 250,
  swgLutsPerBit: 4,
  layerControlLuts: 1054,
  shellLuts: 7535,
  lutsPerSpilledBram36: 576,
  layerFifoBram36: 2.31,
};

/** The coefficients `cosearch hw validate` fits to the published designs; every other one is fixed above. */
export const FITTED_COEFFICIENTS = ['layerFifoBram36', 'shellLuts', 'layerControlLuts', 'adderLutsPerBit'] as const;

/** Zynq-7020 (Pynq-Z1/Z2): 53,200 LUTs, 140 BRAM36, 220 DSP48E1 (Xilinx DS190 Zynq-7000 overview). 100 MHz is the
 * clock of the BNN-PYNQ/FINN overlays on Pynq-Z1 (Xilinx/BNN-PYNQ issue #51: "PYNQ-Z2 ... clocked at 100 MHz"). */
export const ZYNQ7020: DevicePreset = {
  name: 'zynq7020',
  description: 'Zynq-7020 (Pynq-Z1/Z2), 100 MHz FINN-style overlay',
  clockMhz: 100,
  lutBudget: 53_200,
  bram36Budget: 140,
  dspBudget: 220,
  coefficients: DEFAULT_COEFFICIENTS,
};

/** The QNAS paper's experiment budget: 30,000 LUTs (Lu et al. ICCAD'19). Clock and BRAM as the Zynq-7020. */
export const LUT30K: DevicePreset = {
  name: '30k',
  description: 'QNAS paper budget: 30,000 LUTs at 100 MHz',
  clockMhz: 100,
  lutBudget: 30_000,
  bram36Budget: 140,
  dspBudget: 220,
  coefficients: DEFAULT_COEFFICIENTS,
};

/** Zynq UltraScale+ ZU3EG (Ultra96): 70,560 LUTs, 216 BRAM36, 360 DSP (Xilinx DS891); 300 MHz is BNN-PYNQ's
 * Ultra96 clock (Xilinx/BNN-PYNQ issue #51). */
export const ZU3EG: DevicePreset = {
  name: 'zu3eg',
  description: 'Zynq UltraScale+ ZU3EG (Ultra96), 300 MHz',
  clockMhz: 300,
  lutBudget: 70_560,
  bram36Budget: 216,
  dspBudget: 360,
  coefficients: DEFAULT_COEFFICIENTS,
};

/** Zynq-7045 (ZC706): 218,600 LUTs, 545 BRAM36, 900 DSP (DS190); FINN's ZC706 designs ran at 200 MHz (FPGA'17). */
export const ZYNQ7045: DevicePreset = {
  name: 'zc706',
  description: 'Zynq-7045 (ZC706), 200 MHz as in the FINN paper',
  clockMhz: 200,
  lutBudget: 218_600,
  bram36Budget: 545,
  dspBudget: 900,
  coefficients: DEFAULT_COEFFICIENTS,
};

export const DEVICE_PRESETS: Readonly<Record<string, DevicePreset>> = {
  zynq7020: ZYNQ7020,
  '30k': LUT30K,
  zu3eg: ZU3EG,
  zc706: ZYNQ7045,
};
