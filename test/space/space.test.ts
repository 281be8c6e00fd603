// Tests of the search space: presets, sampling, action encoding (property: decode(encode(c)) = c), validation
// errors, hashing, shapes, custom spaces and the seeded PRNG.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FINN_SPACE,
  QNAS_AUTO_SPACE,
  QNAS_SPACE,
  QUICK_SPACE,
  candidateHash,
  createActionSpace,
  createRng,
  inferShapes,
  parseSearchSpace,
  resolveSearchSpace,
  sampleCandidate,
  validateCandidate,
  type Candidate,
} from '../../src/space/index.js';

const spaces = [QNAS_SPACE, QNAS_AUTO_SPACE, QUICK_SPACE, FINN_SPACE];
const readExample = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}`, import.meta.url), 'utf8'));

describe('search space', () => {
  it('decodes the encoding of any sampled candidate back to the same candidate in every preset', () => {
    for (const space of spaces) {
      const actions = createActionSpace(space);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
          const c = sampleCandidate(space, createRng(seed));
          expect(actions.decode(actions.encode(c))).toEqual(c);
        }),
        { numRuns: 100 },
      );
    }
  });

  it('decodes any action vector to a candidate whose encoding decodes to the same candidate in every preset', () => {
    for (const space of spaces) {
      const actions = createActionSpace(space);
      const vector = fc.tuple(...actions.dims.map((d) => fc.integer({ min: 0, max: d.size - 1 })));
      fc.assert(
        fc.property(vector, (a) => {
          const c = actions.decode(a);
          expect(actions.decode(actions.encode(c))).toEqual(c);
          const used = actions.usedDims(a);
          expect(actions.encode(c).filter((_, i) => used[i])).toEqual(a.filter((_, i) => used[i]));
        }),
        { numRuns: 100 },
      );
    }
  });

  it('lists only the searched knobs in the action dims, with their choice counts', () => {
    const dims = createActionSpace(QNAS_SPACE).dims;
    expect(dims[0]).toEqual({ name: 'network.depth', kind: 'depth', size: 9 });
    expect(dims.find((d) => d.name === 'layers[0].filters')?.size).toBe(4);
    expect(dims.find((d) => d.name === 'layers[0].kernelSize')?.size).toBe(4);
    expect(dims.find((d) => d.name === 'layers[0].weightFracBits')?.size).toBe(7);
    expect(dims.some((d) => d.kind === 'padding')).toBe(false);
    expect(createActionSpace(QNAS_AUTO_SPACE).dims.some((d) => d.kind === 'pe')).toBe(false);
    // depth + 14 conv slots × 9 knobs + classifier 4 bits + 2 folding
    expect(dims.length).toBe(1 + 14 * 9 + 6);
  });

  it('keeps the depth dim first even when the depth is fixed, so every vector has the same layout', () => {
    const space = parseSearchSpace({
      name: 'fixed',
      convLayers: { min: 3, max: 3 },
      conv: { filters: [8, 16], kernelSize: [3] },
      quant: { mode: 'bits', weightBits: [2, 4], activationBits: [4] },
    });
    const actions = createActionSpace(space);
    expect(actions.dims[0]).toEqual({ name: 'network.depth', kind: 'depth', size: 1 });
    expect(actions.decode(actions.dims.map(() => 0)).layers.filter((l) => l.kind === 'conv')).toHaveLength(3);
  });

  it('samples the QNAS space within 6 to 14 conv layers ending in Dense(10)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 200; i++) {
      const c = sampleCandidate(QNAS_SPACE, rng);
      const convs = c.layers.filter((l) => l.kind === 'conv').length;
      expect(convs).toBeGreaterThanOrEqual(6);
      expect(convs).toBeLessThanOrEqual(14);
      expect(c.layers.at(-1)).toMatchObject({ kind: 'dense', units: 10 });
    }
  });

  it('rejects a bad kernel size naming the layer, the field and the allowed values', () => {
    const c = sampleCandidate(QNAS_SPACE, createRng(1));
    const bad = structuredClone(c);
    const first = bad.layers[0];
    if (first?.kind !== 'conv') throw new Error('expected a conv');
    first.kernelSize = 4;
    try {
      validateCandidate(bad, QNAS_SPACE);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(String((error as Error).message)).toContain('layers[0].kernelSize');
      expect(String((error as Error).message)).toContain('[1,3,5,7]');
    }
  });

  it('rejects malformed JSON candidates with BAD_USER_INPUT and a message saying what arrived', () => {
    expect(() =>
      validateCandidate({
        input: { height: 32, width: 32, channels: 3, bits: 8 },
        layers: [
          {
            kind: 'conv',
            filters: 8,
            kernelSize: 3,
            stride: 1,
            padding: 'same',
            weightBits: 20,
            activationBits: 8,
            pe: 1,
            simd: 1,
          },
        ],
      }),
    ).toThrow(/layers\[0\]\.weightBits: expects an integer from 1 to 16, but got 20/);
    expect(() => validateCandidate({ input: { height: 32, width: 32, channels: 3, bits: 8 }, layers: [] })).toThrow(
      /non-empty list/,
    );
    expect(() => validateCandidate('nope')).toThrow(/candidate object/);
  });

  it('rejects a pool on a map that is already too small', () => {
    const c: Candidate = {
      input: { height: 2, width: 2, channels: 3, bits: 8 },
      layers: [
        {
          kind: 'conv',
          filters: 4,
          kernelSize: 3,
          stride: 2,
          padding: 'same',
          maxPool: { size: 2, stride: 2 },
          weightBits: 2,
          activationBits: 2,
          pe: 1,
          simd: 1,
        },
        { kind: 'dense', units: 10, weightBits: 2, activationBits: 2, pe: 1, simd: 1 },
      ],
    };
    expect(() => validateCandidate(c)).toThrow(/layers\[0\]\.maxPool/);
  });

  it('hashes equal candidates equally whatever the key order, and different candidates differently', () => {
    const c = sampleCandidate(QUICK_SPACE, createRng(3));
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v;
    const reordered = reverseKeys(c) as Candidate;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(c));
    expect(candidateHash(reordered)).toBe(candidateHash(c));
    expect(candidateHash(c)).toMatch(/^[0-9a-f]{64}$/);
    const other = structuredClone(c);
    other.layers[0]!.weightBits = other.layers[0]!.weightBits === 2 ? 4 : 2;
    expect(candidateHash(other)).not.toBe(candidateHash(c));
  });

  it('infers the shapes of FINN CNV: 30, 28, 14, 12, 10, 5, 3, 1 and a 256-wide flatten', () => {
    const cnv = validateCandidate(readExample('finn-cnv-w1a1.json'));
    const shape = inferShapes(cnv);
    expect(shape.layers.map((l) => l.convOutH)).toEqual([30, 28, 12, 10, 3, 1, 1, 1, 1]);
    expect(shape.layers.map((l) => l.outH)).toEqual([30, 14, 12, 5, 3, 1, 1, 1, 1]);
    expect(shape.layers[6]?.fanIn).toBe(256);
    expect(shape.layers[1]?.macs).toBe(28 * 28 * 64 * 576);
  });

  it('accepts every example candidate file', () => {
    for (const name of ['finn-cnv-w1a1.json', 'reference-8bit.json', 'small-8bit.json'])
      expect(() => validateCandidate(readExample(name))).not.toThrow();
  });

  it('parses a custom space from JSON and reports every bad field', () => {
    const space = parseSearchSpace({
      name: 'mine',
      convLayers: { min: 2, max: 3 },
      conv: { filters: [8, 16], kernelSize: [3] },
      quant: { mode: 'bits', weightBits: [2, 4], activationBits: [4] },
    });
    expect(space.folding).toEqual({ mode: 'auto' });
    expect(sampleCandidate(space, createRng(5)).layers.length).toBeGreaterThanOrEqual(3);
    expect(() =>
      parseSearchSpace({
        convLayers: { min: 3, max: 2 },
        conv: { filters: [], kernelSize: [3] },
        quant: { mode: 'float' },
      }),
    ).toThrow(/convLayers: expects min <= max.*conv\.filters: expects a non-empty list.*quant\.mode/);
    expect(resolveSearchSpace('qnas')).toBe(QNAS_SPACE);
    expect(() => resolveSearchSpace('nope')).toThrow(
      /qnas, qnas-auto, qnas-constrained, qnas-constrained-auto, pooled-auto, pooled-wide, quick, finn/,
    );
  });

  it('restores the PRNG from a saved position and continues with the same draws', () => {
    const rng = createRng(42);
    for (let i = 0; i < 17; i++) rng.next();
    const saved = rng.state();
    const expected = [rng.next(), rng.next(), rng.nextInt(10)];
    const restored = createRng(saved);
    expect([restored.next(), restored.next(), restored.nextInt(10)]).toEqual(expected);
    expect(saved).toEqual({ seed: 42, position: 17 });
  });

  it('holds the wide 30k design in pooled-wide, where pooled-auto can only round it down to 128 filters', () => {
    const conv = (filters: number, weightBits: number, pool: boolean) => ({
      kind: 'conv' as const,
      filters,
      kernelSize: 3,
      stride: 1,
      padding: 'same' as const,
      weightBits,
      activationBits: 4,
      pe: 1,
      simd: 1,
      ...(pool ? { maxPool: { size: 2, stride: 2 } } : {}),
    });
    // bench/results/final-30ep-wide.json's wide-4conv: 26,197 LUTs, 1,356 img/s, 83.2 % test after 30 epochs.
    const wide: Candidate = {
      input: { height: 32, width: 32, channels: 3, bits: 8 },
      layers: [
        conv(32, 6, true),
        conv(64, 4, true),
        conv(160, 3, true),
        conv(256, 3, false),
        { kind: 'dense', units: 10, weightBits: 8, activationBits: 8, pe: 1, simd: 1 },
      ],
    };
    const filtersOf = (c: Candidate): number[] => c.layers.flatMap((l) => (l.kind === 'conv' ? [l.filters] : []));
    const inWide = createActionSpace(resolveSearchSpace('pooled-wide'));
    expect(filtersOf(inWide.decode(inWide.encode(wide)))).toEqual([32, 64, 160, 256]);
    const inAuto = createActionSpace(resolveSearchSpace('pooled-auto'));
    expect(filtersOf(inAuto.decode(inAuto.encode(wide)))).toEqual([32, 64, 128, 128]);
  });
});
