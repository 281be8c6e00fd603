// Small candidates shared by the engine tests (8x8 RGB inputs keep the cpu backend fast).
import type { Candidate, ConvLayer, DenseLayer } from '../../src/space/candidate.js';

const q8 = { weightBits: 8, activationBits: 8, pe: 1, simd: 1 };

export const conv = (filters: number, extra: Partial<ConvLayer> = {}): ConvLayer => ({
  kind: 'conv',
  filters,
  kernelSize: 3,
  stride: 1,
  padding: 'same',
  ...q8,
  ...extra,
});
export const dense = (units: number, extra: Partial<DenseLayer> = {}): DenseLayer => ({
  kind: 'dense',
  units,
  ...q8,
  ...extra,
});

export const tinyInput = { height: 8, width: 8, channels: 3, bits: 8 };

/** conv8 (pool) → conv8 skip → dense 2. */
export const tinyCandidate: Candidate = {
  input: tinyInput,
  layers: [conv(8, { maxPool: { size: 2, stride: 2 } }), conv(8, { skip: true }), dense(2)],
};
