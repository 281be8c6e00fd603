// Design rules as data on a space: the decoder repairs what breaks them (so no controller proposes a degenerate
// net), validation names the broken rule, and custom spaces parse them with clear errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QNAS_CONSTRAINED_AUTO_SPACE,
  QNAS_CONSTRAINED_SPACE,
  QNAS_SPACE,
  candidateIssues,
  createActionSpace,
  inferShapes,
  parseSearchSpace,
  validateCandidate,
  type Candidate,
  type ConvLayer,
} from '../../src/space/index.js';

const convsOf = (c: Candidate): ConvLayer[] => c.layers.filter((l): l is ConvLayer => l.kind === 'conv');
const downsamplings = (c: Candidate): number =>
  convsOf(c).reduce((n, l) => n + (l.stride > 1 ? 1 : 0) + (l.maxPool && l.maxPool.stride > 1 ? 1 : 0), 0);

describe('design rules', () => {
  for (const space of [QNAS_CONSTRAINED_SPACE, QNAS_CONSTRAINED_AUTO_SPACE]) {
    it(`decodes every action vector of ${space.name} to a design that keeps every rule`, () => {
      const actions = createActionSpace(space);
      const vector = fc.tuple(...actions.dims.map((d) => fc.integer({ min: 0, max: d.size - 1 })));
      fc.assert(
        fc.property(vector, (a) => {
          const c = actions.decode(a);
          expect(candidateIssues(c, space)).toEqual([]);
          expect(downsamplings(c)).toBeLessThanOrEqual(3);
          const shapes = inferShapes(c).layers.filter((l) => l.kind === 'conv');
          const last = shapes[shapes.length - 1];
          expect(Math.min(last?.outH ?? 0, last?.outW ?? 0)).toBeGreaterThanOrEqual(4);
          for (const l of convsOf(c)) expect(l.kernelSize).toBeGreaterThanOrEqual(l.stride);
          c.layers.forEach((l, i) => {
            expect(l.weightBits).toBeGreaterThanOrEqual(2);
            if (i < c.layers.length - 1) expect(l.activationBits).toBeGreaterThanOrEqual(2);
          });
          expect(actions.decode(actions.encode(c))).toEqual(c);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('repairs only what breaks a rule: the same vector decodes alike in qnas and qnas-constrained when it breaks none', () => {
    const plain = createActionSpace(QNAS_SPACE);
    const ruled = createActionSpace(QNAS_CONSTRAINED_SPACE);
    expect(ruled.dims).toEqual(plain.dims);
    // depth 6, every layer 3x3 stride 1 at the top bits: no rule applies.
    const a = plain.dims.map((d) =>
      d.kind === 'depth' ? 0 : d.kind === 'kernelSize' ? 1 : d.kind === 'stride' ? 0 : d.size - 1,
    );
    expect(ruled.decode(a)).toEqual(plain.decode(a));
    // The same vector with every layer stride 2 and 1x1 kernels: the plain space shrinks 32 px to 1 px.
    const strided = a.map((v, i) =>
      plain.dims[i]?.kind === 'stride' ? 1 : plain.dims[i]?.kind === 'kernelSize' ? 0 : v,
    );
    expect(downsamplings(plain.decode(strided))).toBe(6);
    const repaired = ruled.decode(strided);
    expect(convsOf(repaired).map((l) => [l.kernelSize, l.stride])).toEqual([
      [3, 2],
      [3, 2],
      [3, 2],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('raises 1-bit weights and activations to 2 bits by adding fraction bits', () => {
    const plain = createActionSpace(QNAS_SPACE);
    const ruled = createActionSpace(QNAS_CONSTRAINED_SPACE);
    const a = plain.dims.map(() => 0); // int 1, frac 0: 1-bit everywhere
    expect(plain.decode(a).layers.map((l) => l.weightBits)).toEqual(Array(7).fill(1));
    const layers = ruled.decode(a).layers;
    expect(layers.map((l) => [l.weightBits, l.weightIntBits])).toEqual(Array(7).fill([2, 1]));
    expect(layers.slice(0, -1).map((l) => [l.activationBits, l.activationIntBits])).toEqual(Array(6).fill([2, 1]));
  });

  it('rejects a candidate that breaks a rule of the space, naming the rule and the fix', () => {
    const conv = (stride: number, kernelSize: number): ConvLayer => ({
      kind: 'conv',
      filters: 24,
      kernelSize,
      stride,
      padding: 'same',
      weightBits: 4,
      activationBits: 4,
      weightIntBits: 2,
      activationIntBits: 2,
      pe: 1,
      simd: 1,
    });
    const c: Candidate = {
      input: { height: 32, width: 32, channels: 3, bits: 8 },
      layers: [
        conv(2, 1),
        conv(2, 3),
        conv(2, 3),
        conv(2, 3),
        conv(1, 3),
        conv(1, 3),
        {
          kind: 'dense',
          units: 10,
          weightBits: 4,
          activationBits: 4,
          weightIntBits: 2,
          activationIntBits: 2,
          pe: 1,
          simd: 1,
        },
      ],
    };
    expect(() => validateCandidate(c, QNAS_SPACE)).not.toThrow();
    expect(() => validateCandidate(c, QNAS_CONSTRAINED_SPACE)).toThrow(
      /kernel to cover its stride.*use kernelSize >= 2/,
    );
    const messages = candidateIssues(c, QNAS_CONSTRAINED_SPACE).map((i) => i.message);
    expect(messages.some((m) => /at most 3 downsamplings .* but got 4/.test(m))).toBe(true);
    expect(messages.some((m) => /at least a 4x4 map, but the last conv outputs 2x2/.test(m))).toBe(true);
  });

  it('parses the rules of a custom space and names an unknown or ill-typed rule', () => {
    const json = {
      name: 'mine',
      convLayers: { min: 2, max: 4 },
      conv: { filters: [8], kernelSize: [1, 3], stride: [1, 2] },
      quant: { mode: 'bits', weightBits: [1, 4], activationBits: [1, 4] },
    };
    const space = parseSearchSpace({
      ...json,
      rules: { maxDownsamplings: 1, kernelCoversStride: true, minWeightBits: 4 },
    });
    expect(space.rules).toEqual({ maxDownsamplings: 1, kernelCoversStride: true, minWeightBits: 4 });
    const c = createActionSpace(space).decode(
      createActionSpace(space).dims.map((d) => d.size - 1 - (d.kind === 'weightBits' ? 1 : 0)),
    );
    expect(downsamplings(c)).toBe(1);
    expect(c.layers.every((l) => l.weightBits === 4)).toBe(true);
    expect(() => parseSearchSpace({ ...json, rules: { maxDownsampling: 1 } })).toThrow(
      /rules.maxDownsampling.*is not a design rule; expected one of maxDownsamplings/,
    );
    expect(() => parseSearchSpace({ ...json, rules: { minFeatureMap: 0 } })).toThrow(
      /rules.minFeatureMap.*expects an integer from 1 to 4096, but got 0/,
    );
    expect(() => parseSearchSpace({ ...json, rules: { kernelCoversStride: 'yes' } })).toThrow(
      /rules.kernelCoversStride.*expects true or false/,
    );
  });
});
