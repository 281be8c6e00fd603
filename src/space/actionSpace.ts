// The one flat integer encoding of a candidate: a fixed-length vector of discrete choices (depth, then per conv
// layer architecture, bits and folding, then per dense layer), decode to a candidate, nearest encode, uniform
// quantization. Experiment logs record these vectors and the RL policy's heads follow this layout: never reorder it.
import type { Candidate, ConvLayer, DenseLayer, LayerFolding, LayerQuant } from './candidate.js';
import { allowsDownsampling } from './designRules.js';
import type { SearchSpace } from './searchSpace.js';
import { convOutputSize, poolOutputSize } from './shapes.js';

/** One discrete decision of the controller: `size` choices, a `kind` shared by every layer (heads are shared). */
export interface ActionDim {
  /** e.g. `layers[2].filters`. */
  name: string;
  /** Decision type shared across layers, e.g. `filters`; the RL policy shares one head per kind. */
  kind: string;
  size: number;
}

/** The action space of a search space: a fixed-length vector of discrete choices, and its decoding. */
export interface ActionSpace {
  readonly spaceName: string;
  readonly dims: readonly ActionDim[];
  /** Builds the candidate an action vector describes (folding PE = SIMD = 1 when the space auto-folds). */
  decode(actions: readonly number[]): Candidate;
  /** The action dims that matter for a given vector (e.g. layers beyond the chosen depth are ignored). */
  usedDims(actions: readonly number[]): boolean[];
  /** Whether folding is chosen by the hardware model instead of the controller. */
  readonly autoFold: boolean;
}

interface Slot {
  dim: ActionDim;
  /** Index of the conv layer (or -1 for the depth, convMax + k for dense layer k). */
  layer: number;
  values: readonly unknown[];
}

const quantSlots = (space: SearchSpace): Array<[string, readonly number[]]> =>
  space.quant.mode === 'bits'
    ? [
        ['weightBits', space.quant.weightBits],
        ['activationBits', space.quant.activationBits],
      ]
    : [
        ['weightIntBits', space.quant.weightIntBits],
        ['weightFracBits', space.quant.weightFracBits],
        ['activationIntBits', space.quant.activationIntBits],
        ['activationFracBits', space.quant.activationFracBits],
      ];

const buildSlots = (space: SearchSpace): Slot[] => {
  const slots: Slot[] = [];
  const add = (layer: number, prefix: string, kind: string, values: readonly unknown[]): void => {
    slots.push({ dim: { name: `${prefix}.${kind}`, kind, size: values.length }, layer, values });
  };
  const depths = Array.from(
    { length: space.convLayers.max - space.convLayers.min + 1 },
    (_, i) => space.convLayers.min + i,
  );
  add(-1, 'network', 'depth', depths);
  const perLayer = (layer: number, prefix: string, arch: Array<[string, readonly unknown[]]>): void => {
    for (const [kind, values] of arch) add(layer, prefix, kind, values);
    for (const [kind, values] of quantSlots(space)) add(layer, prefix, kind, values);
    if (space.folding.mode === 'searched') {
      add(layer, prefix, 'pe', space.folding.pe);
      add(layer, prefix, 'simd', space.folding.simd);
    }
  };
  const c = space.conv;
  for (let i = 0; i < space.convLayers.max; i++) {
    perLayer(i, `layers[${i}]`, [
      ['filters', c.filters],
      ['kernelSize', c.kernelSize],
      ['stride', c.stride],
      ['padding', c.padding],
      ['maxPool', c.maxPool],
      ['skip', c.skip],
    ]);
  }
  for (let k = 0; k <= space.hiddenDense.count; k++) {
    const hidden = k < space.hiddenDense.count;
    perLayer(space.convLayers.max + k, `dense[${k}]`, hidden ? [['units', space.hiddenDense.units]] : []);
  }
  // Single-valued choices are constants: they stay in the decoding but not in the controller's vector.
  return slots.filter((s) => s.dim.size > 1 || s.dim.kind === 'depth');
};

/** The smallest allowed value ≥ `min` when `value` is below it (the largest allowed when none reaches it). */
const atLeast = (allowed: readonly number[], value: number, min: number): number =>
  value >= min ? value : ([...allowed].sort((a, b) => a - b).find((b) => b >= min) ?? Math.max(...allowed));

/** A fixed-point format raised to at least `min` total bits: fraction bits first, then integer bits. */
const fixedAtLeast = (
  intBits: readonly number[],
  fracBits: readonly number[],
  int: number,
  frac: number,
  min: number,
): { bits: number; intBits: number } => {
  if (int + frac >= min) return { bits: int + frac, intBits: int };
  const raisedFrac = [...fracBits].sort((a, b) => a - b).find((f) => f >= frac && int + f >= min);
  if (raisedFrac !== undefined) return { bits: int + raisedFrac, intBits: int };
  const raisedInt = atLeast(intBits, int, min - Math.max(...fracBits));
  return { bits: raisedInt + Math.max(...fracBits), intBits: raisedInt };
};

/** Builds the action space of a search space (see the file header for the layout). */
export const createActionSpace = (space: SearchSpace): SearchActionSpace => {
  const slots = buildSlots(space);
  const rules = space.rules;
  const classifierLayer = space.convLayers.max + space.hiddenDense.count;
  const dims = slots.map((s) => s.dim);
  const slotIndex = new Map<string, number>();
  slots.forEach((s, i) => {
    if (!slotIndex.has(`${s.layer}:${s.dim.kind}`)) slotIndex.set(`${s.layer}:${s.dim.kind}`, i);
  });
  const depthOf = (actions: readonly number[]): number => space.convLayers.min + (actions[0] ?? 0);
  const pick = (values: readonly unknown[], index: number | undefined): unknown =>
    values[Math.min(index ?? 0, values.length - 1)];
  const valueOf = (actions: readonly number[], layer: number, kind: string, fallback: readonly unknown[]): unknown => {
    const at = slotIndex.get(`${layer}:${kind}`);
    return at === undefined ? fallback[0] : pick(slots[at]?.values ?? fallback, actions[at]);
  };
  const quantOf = (actions: readonly number[], layer: number): LayerQuant & LayerFolding => {
    const v = (kind: string, values: readonly number[]): number => Number(valueOf(actions, layer, kind, values));
    const fold: LayerFolding =
      space.folding.mode === 'searched'
        ? { pe: v('pe', space.folding.pe), simd: v('simd', space.folding.simd) }
        : { pe: 1, simd: 1 };
    const hidden = layer !== classifierLayer;
    const minW = rules?.minWeightBits ?? 1;
    const minA = hidden ? (rules?.minActivationBits ?? 1) : 1;
    if (space.quant.mode === 'bits') {
      return {
        weightBits: atLeast(space.quant.weightBits, v('weightBits', space.quant.weightBits), minW),
        activationBits: atLeast(space.quant.activationBits, v('activationBits', space.quant.activationBits), minA),
        ...fold,
      };
    }
    const q = space.quant;
    const weights = fixedAtLeast(
      q.weightIntBits,
      q.weightFracBits,
      v('weightIntBits', q.weightIntBits),
      v('weightFracBits', q.weightFracBits),
      minW,
    );
    const activations = fixedAtLeast(
      q.activationIntBits,
      q.activationFracBits,
      v('activationIntBits', q.activationIntBits),
      v('activationFracBits', q.activationFracBits),
      minA,
    );
    return {
      weightBits: weights.bits,
      activationBits: activations.bits,
      weightIntBits: weights.intBits,
      activationIntBits: activations.intBits,
      ...fold,
    };
  };
  const decode = (actions: readonly number[]): Candidate => {
    const depth = depthOf(actions);
    const layers: Candidate['layers'] = [];
    let channels = space.input.channels;
    const map = { size: Math.min(space.input.height, space.input.width), downsamplings: 0 };
    for (let i = 0; i < depth; i++) {
      const c = space.conv;
      let pool = valueOf(actions, i, 'maxPool', c.maxPool) as ConvLayer['maxPool'] | null;
      const layer: ConvLayer = {
        kind: 'conv',
        filters: Number(valueOf(actions, i, 'filters', c.filters)),
        kernelSize: Number(valueOf(actions, i, 'kernelSize', c.kernelSize)),
        stride: Number(valueOf(actions, i, 'stride', c.stride)),
        padding: valueOf(actions, i, 'padding', c.padding) as ConvLayer['padding'],
        ...quantOf(actions, i),
      };
      // Design rules: repair rather than reject, so every controller's proposal is a sane net.
      if (
        layer.stride > 1 &&
        !allowsDownsampling(
          rules,
          map.downsamplings,
          convOutputSize(map.size, layer.kernelSize, layer.stride, layer.padding),
        )
      )
        layer.stride = 1;
      if (rules?.kernelCoversStride === true && layer.kernelSize < layer.stride) {
        const covering = c.kernelSize.filter((k) => k >= layer.stride).sort((a, b) => a - b)[0];
        if (covering === undefined) layer.stride = 1;
        else layer.kernelSize = covering;
      }
      map.size = convOutputSize(map.size, layer.kernelSize, layer.stride, layer.padding);
      if (layer.stride > 1) map.downsamplings += 1;
      if (pool != null && pool.stride > 1) {
        if (allowsDownsampling(rules, map.downsamplings, poolOutputSize(map.size, pool.size, pool.stride)))
          map.downsamplings += 1;
        else pool = null;
      }
      if (pool != null) map.size = poolOutputSize(map.size, pool.size, pool.stride);
      if (pool !== null && pool !== undefined) layer.maxPool = { ...pool };
      // A skip that cannot add (shape mismatch) is dropped rather than producing an invalid candidate.
      if (
        valueOf(actions, i, 'skip', c.skip) === true &&
        layer.stride === 1 &&
        layer.padding === 'same' &&
        layer.filters === channels &&
        pool == null
      )
        layer.skip = true;
      channels = layer.filters;
      layers.push(layer);
    }
    for (let k = 0; k <= space.hiddenDense.count; k++) {
      const hidden = k < space.hiddenDense.count;
      const units = hidden
        ? Number(valueOf(actions, space.convLayers.max + k, 'units', space.hiddenDense.units))
        : space.classes;
      const dense: DenseLayer = { kind: 'dense', units, ...quantOf(actions, space.convLayers.max + k) };
      layers.push(dense);
    }
    return { input: { ...space.input }, layers };
  };
  const usedDims = (actions: readonly number[]): boolean[] => {
    const depth = depthOf(actions);
    return slots.map((s) => s.layer < depth || s.layer >= space.convLayers.max);
  };
  const nearest = (values: readonly unknown[], target: unknown): number => {
    let best = 0;
    let bestDistance = Infinity;
    values.forEach((v, i) => {
      const d =
        typeof v === 'number' && typeof target === 'number'
          ? Math.abs(v - target)
          : JSON.stringify(v ?? null) === JSON.stringify(target ?? null)
            ? 0
            : 1;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    return best;
  };
  const encode = (candidate: Candidate): number[] => {
    const convs = candidate.layers.filter((l): l is ConvLayer => l.kind === 'conv');
    const denses = candidate.layers.filter((l): l is DenseLayer => l.kind === 'dense');
    return slots.map((s) => {
      if (s.dim.kind === 'depth') return nearest(s.values, convs.length);
      const layer =
        s.layer < space.convLayers.max
          ? (convs[s.layer] ?? convs[convs.length - 1])
          : denses[s.layer - space.convLayers.max];
      if (layer === undefined) return 0;
      const record: Record<string, unknown> = Object.fromEntries(Object.entries(layer));
      if (s.dim.kind === 'weightFracBits') return nearest(s.values, layer.weightBits - (layer.weightIntBits ?? 1));
      if (s.dim.kind === 'activationFracBits')
        return nearest(s.values, layer.activationBits - (layer.activationIntBits ?? 1));
      if (s.dim.kind === 'maxPool') return nearest(s.values, record.maxPool ?? null);
      if (s.dim.kind === 'skip') return nearest(s.values, record.skip === true);
      return nearest(s.values, record[s.dim.kind]);
    });
  };
  const quantKinds = new Set(quantSlots(space).map(([kind]) => kind));
  /** Uniform quantization levels, highest precision first: index into each quant list from its top down. */
  const quantLevels = Math.max(...quantSlots(space).map(([, values]) => values.length));
  const withUniformQuant = (actions: readonly number[], level: number): number[] =>
    actions.map((a, i) => {
      const slot = slots[i];
      if (slot === undefined || !quantKinds.has(slot.dim.kind)) return a;
      // Sorted lists: the highest precision is the last value; fixed-point int bits stay at their highest.
      const fromTop = slot.dim.kind.endsWith('IntBits') ? 0 : level;
      return Math.max(0, slot.dim.size - 1 - fromTop);
    });
  const architectureDims = slots.map(
    (s) => !quantKinds.has(s.dim.kind) && s.dim.kind !== 'pe' && s.dim.kind !== 'simd',
  );
  return {
    spaceName: space.name,
    dims,
    decode,
    usedDims,
    autoFold: space.folding.mode === 'auto',
    encode,
    quantLevels,
    withUniformQuant,
    architectureDims,
  };
};

/** What the controllers and baselines need beyond the loop's ActionSpace. */
export interface ActionSpaceExtras {
  /** Nearest action vector of any candidate (hot start maps zoo candidates of other spaces onto this one). */
  encode(candidate: Candidate): number[];
  /** Number of uniform quantization levels; level 0 is the highest precision. */
  readonly quantLevels: number;
  /** The same vector with every layer quantized at one uniform level. */
  withUniformQuant(actions: readonly number[], level: number): number[];
  /** True for the dims that describe the architecture (not bits, not folding). */
  readonly architectureDims: readonly boolean[];
}

/** The full action space createActionSpace builds. */
export type SearchActionSpace = ActionSpace & ActionSpaceExtras;
