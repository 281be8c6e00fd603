// The search space as data: per-layer value lists, layer counts, and which knobs are searched (including whether
// folding is searched or delegated to auto-folding), plus the named presets (qnas and its constrained and auto
// variants, pooled-auto, quick, finn).
import { CIFAR10_INPUT, type InputSpec, type MaxPool } from './candidate.js';
import type { DesignRules } from './designRules.js';

/** Quantization choices. `fixed`: FGNAS/QNAS integer + fraction bit lists; `bits`: total bit-width lists. */
export type QuantSpace =
  | {
      mode: 'fixed';
      /** Integer bits of the weights, sign included. */
      weightIntBits: number[];
      weightFracBits: number[];
      activationIntBits: number[];
      activationFracBits: number[];
    }
  | { mode: 'bits'; weightBits: number[]; activationBits: number[] };

/** Folding choices. `auto`: the search leaves PE = SIMD = 1 and the hardware model's autoFold picks them. */
export type FoldingSpace = { mode: 'auto' } | { mode: 'searched'; pe: number[]; simd: number[] };

export interface ConvChoices {
  filters: number[];
  kernelSize: number[];
  stride: number[];
  padding: ('same' | 'valid')[];
  /** `null` means "no pool". */
  maxPool: (MaxPool | null)[];
  skip: boolean[];
}

export interface SearchSpace {
  name: string;
  description?: string;
  input: InputSpec;
  /** Units of the final classifier dense layer. */
  classes: number;
  /** Number of conv layers, inclusive bounds. A fixed depth has min = max. */
  convLayers: { min: number; max: number };
  conv: ConvChoices;
  /** Dense layers between the convs and the classifier: a fixed count, each with units from the list. */
  hiddenDense: { count: number; units: number[] };
  quant: QuantSpace;
  folding: FoldingSpace;
  /** What the designer rules out (degenerate nets); the decoder repairs choices that break a rule. @default none */
  rules?: DesignRules;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The QNAS paper space: Co-Exploration's CIFAR-10 layer choices (filters {24,36,48,64}, kernel {1,3,5,7},
 * stride {1,2}, 6–14 conv layers, Jiang et al. arXiv 1907.04650), FGNAS's fixed-point bits (int {1,2,3} sign
 * included, fraction {0..6}, weights and activations separately) and tile sizes {1,2,4,8,16} as PE/SIMD.
 */
export const QNAS_SPACE: SearchSpace = {
  name: 'qnas',
  description: 'QNAS/Co-Exploration CIFAR-10 space with FGNAS fixed-point bits and searched PE/SIMD tiles',
  input: CIFAR10_INPUT,
  classes: 10,
  convLayers: { min: 6, max: 14 },
  conv: {
    filters: [24, 36, 48, 64],
    kernelSize: [1, 3, 5, 7],
    stride: [1, 2],
    padding: ['same'],
    maxPool: [null],
    skip: [false],
  },
  hiddenDense: { count: 0, units: [] },
  quant: {
    mode: 'fixed',
    weightIntBits: [1, 2, 3],
    weightFracBits: range(0, 6),
    activationIntBits: [1, 2, 3],
    activationFracBits: range(0, 6),
  },
  folding: { mode: 'searched', pe: [1, 2, 4, 8, 16], simd: [1, 2, 4, 8, 16] },
};

/** The QNAS space with folding delegated to the hardware model's auto-folding. */
export const QNAS_AUTO_SPACE: SearchSpace = {
  ...QNAS_SPACE,
  name: 'qnas-auto',
  description: 'QNAS space; PE/SIMD chosen by auto-folding to meet the throughput target',
  folding: { mode: 'auto' },
};

/**
 * The rules a designer states for the QNAS space on CIFAR-10. Measured on the paper-30k panel (docs/search.md,
 * "Why sampled designs did not learn"): unconstrained samples shrink 32 px to 1–2 px with 1x1 stride-2 convs
 * and 1-bit layers, and score near chance after the proxy.
 */
export const QNAS_RULES: DesignRules = {
  maxDownsamplings: 3,
  minFeatureMap: 4,
  kernelCoversStride: true,
  minWeightBits: 2,
  minActivationBits: 2,
};

/** The QNAS space under the designer's rules (QNAS_RULES), folding searched. */
export const QNAS_CONSTRAINED_SPACE: SearchSpace = {
  ...QNAS_SPACE,
  name: 'qnas-constrained',
  description:
    'QNAS space with design rules: at most 3 downsamplings, a classifier map of at least 4x4, kernels that cover their stride, at least 2 bits',
  rules: QNAS_RULES,
};

/** The constrained QNAS space with folding delegated to auto-folding. */
export const QNAS_CONSTRAINED_AUTO_SPACE: SearchSpace = {
  ...QNAS_CONSTRAINED_SPACE,
  name: 'qnas-constrained-auto',
  description: 'qnas-constrained; PE/SIMD chosen by auto-folding to meet the throughput target',
  folding: { mode: 'auto' },
};

/**
 * The rules a designer states for a pooled (VGG/CNV-style) CIFAR-10 net: at most three 2x2 pools, so the
 * classifier sees at least 4x4, and at least 2 bits everywhere.
 */
export const POOLED_RULES: DesignRules = {
  maxDownsamplings: 3,
  minFeatureMap: 4,
  minWeightBits: 2,
  minActivationBits: 2,
};

/**
 * A VGG/CNV-style CIFAR-10 space, the family the hand-made designs in examples/candidates come from: 3-6 convs
 * of 3x3 or 5x5 with 32-128 filters, each optionally followed by a 2x2 max pool (downsampling by pools, not
 * strided convs), 2-8-bit weights and activations per layer, folding by auto-folding, under POOLED_RULES.
 * QNAS's own space (qnas) caps filters at 64 and downsamples by strided convs only; docs/search.md compares them.
 */
export const POOLED_AUTO_SPACE: SearchSpace = {
  name: 'pooled-auto',
  description:
    'VGG/CNV-style space: 3-6 convs of 3x3 or 5x5, 32-128 filters, optional 2x2 max pools, 2-8-bit, auto-folded, under design rules',
  input: CIFAR10_INPUT,
  classes: 10,
  convLayers: { min: 3, max: 6 },
  conv: {
    filters: [32, 48, 64, 96, 128],
    kernelSize: [3, 5],
    stride: [1],
    padding: ['same'],
    maxPool: [null, { size: 2, stride: 2 }],
    skip: [false],
  },
  hiddenDense: { count: 0, units: [] },
  quant: { mode: 'bits', weightBits: [2, 3, 4, 5, 6, 8], activationBits: [2, 3, 4, 5, 6, 8] },
  folding: { mode: 'auto' },
  rules: POOLED_RULES,
};

/**
 * pooled-auto with wider layers: 32-256 filters. Under the LUT model a layer's fixed cost (control, FIFOs) outweighs
 * its multipliers, so few wide low-bit layers fit a budget that many narrow ones fill: by hand, 4 convs of 32, 64,
 * 160 and 256 filters fit 30k LUTs at 1,356 img/s and reach 83.2 % test after 30 epochs, against 81.0 % for the
 * best design pooled-auto's search found (bench/results/final-30ep-wide.json, docs/search.md).
 */
export const POOLED_WIDE_SPACE: SearchSpace = {
  ...POOLED_AUTO_SPACE,
  name: 'pooled-wide',
  description:
    'VGG/CNV-style space: 3-6 convs of 3x3 or 5x5, 32-256 filters, optional 2x2 max pools, 2-8-bit, auto-folded, under design rules',
  conv: { ...POOLED_AUTO_SPACE.conv, filters: [32, 48, 64, 96, 128, 160, 192, 256] },
};

/** A small space for fast searches and tests: 2–4 convs of 3x3, optional 2x2 pools, 2/4/8 bits. */
export const QUICK_SPACE: SearchSpace = {
  name: 'quick',
  description: 'Small fast space: 2-4 3x3 convs, optional 2x2 max pool, 2/4/8-bit, auto-folded',
  input: CIFAR10_INPUT,
  classes: 10,
  convLayers: { min: 2, max: 4 },
  conv: {
    filters: [16, 32, 64],
    kernelSize: [3],
    stride: [1],
    padding: ['same'],
    maxPool: [null, { size: 2, stride: 2 }],
    skip: [false],
  },
  hiddenDense: { count: 0, units: [] },
  quant: { mode: 'bits', weightBits: [2, 4, 8], activationBits: [2, 4, 8] },
  folding: { mode: 'auto' },
};

/** A FINN-like space: CNV-style 3x3 convs with optional pools, two hidden dense layers, 1–8 bits, searched folding. */
export const FINN_SPACE: SearchSpace = {
  name: 'finn',
  description: 'FINN CNV-like space: 4-6 3x3 convs, pools, 2 hidden dense layers, 1/2/4/8 bits, PE/SIMD powers of 2',
  input: CIFAR10_INPUT,
  classes: 10,
  convLayers: { min: 4, max: 6 },
  conv: {
    filters: [32, 64, 128, 256],
    kernelSize: [3],
    stride: [1],
    padding: ['same', 'valid'],
    maxPool: [null, { size: 2, stride: 2 }],
    skip: [false],
  },
  hiddenDense: { count: 2, units: [128, 256, 512] },
  quant: { mode: 'bits', weightBits: [1, 2, 4, 8], activationBits: [1, 2, 4, 8] },
  folding: { mode: 'searched', pe: [1, 2, 4, 8, 16, 32], simd: [1, 2, 4, 8, 16, 32] },
};

/** Every preset by name. */
export const SPACE_PRESETS: Readonly<Record<string, SearchSpace>> = {
  qnas: QNAS_SPACE,
  'qnas-auto': QNAS_AUTO_SPACE,
  'qnas-constrained': QNAS_CONSTRAINED_SPACE,
  'qnas-constrained-auto': QNAS_CONSTRAINED_AUTO_SPACE,
  'pooled-auto': POOLED_AUTO_SPACE,
  'pooled-wide': POOLED_WIDE_SPACE,
  quick: QUICK_SPACE,
  finn: FINN_SPACE,
};

/** Allowed total weight bits of a space (int + frac for fixed point). */
export const allowedWeightBits = (quant: QuantSpace): number[] =>
  quant.mode === 'bits' ? quant.weightBits : sumsOf(quant.weightIntBits, quant.weightFracBits);

/** Allowed total activation bits of a space. */
export const allowedActivationBits = (quant: QuantSpace): number[] =>
  quant.mode === 'bits' ? quant.activationBits : sumsOf(quant.activationIntBits, quant.activationFracBits);

const sumsOf = (a: number[], b: number[]): number[] =>
  [...new Set(a.flatMap((x) => b.map((y) => x + y)))].sort((x, y) => x - y);
