// Flat integer action vectors for the controllers: actionSpec(space) lists every searched decision with its
// choice count; encodeCandidate/decodeCandidate map a candidate in the space to and from one vector.
import type { Candidate, ConvLayer, DenseLayer, Layer, MaxPool } from './candidate.js';
import type { SearchSpace } from './searchSpace.js';
import { SpaceError } from './spaceError.js';
import { validateCandidate } from './validateCandidate.js';

export type ActionValue = number | string | boolean | MaxPool | null;

/** One decision of the controller. Only knobs with more than one choice are actions. */
export interface ActionSpecEntry {
  /** Unique name, e.g. `depth`, `L3.kernelSize`. */
  name: string;
  /** Slot in the max-depth layout: conv slots 0..max-1, then hidden dense slots, then the classifier; -1 for depth. */
  layer: number;
  field: string;
  /** Number of choices; an action is an integer in [0, choices). */
  choices: number;
  /** The value each choice stands for. */
  values: readonly ActionValue[];
}

type Slot = 'conv' | 'hidden' | 'classifier';

const quantFields = (space: SearchSpace): [string, readonly ActionValue[]][] =>
  space.quant.mode === 'fixed'
    ? [['weightIntBits', space.quant.weightIntBits], ['weightFracBits', space.quant.weightFracBits], ['activationIntBits', space.quant.activationIntBits], ['activationFracBits', space.quant.activationFracBits]]
    : [['weightBits', space.quant.weightBits], ['activationBits', space.quant.activationBits]];

const slotFields = (space: SearchSpace, slot: Slot): [string, readonly ActionValue[]][] => {
  const own: [string, readonly ActionValue[]][] =
    slot === 'conv'
      ? [['filters', space.conv.filters], ['kernelSize', space.conv.kernelSize], ['stride', space.conv.stride], ['padding', space.conv.padding], ['maxPool', space.conv.maxPool], ['skip', space.conv.skip]]
      : slot === 'hidden' ? [['units', space.hiddenDense.units]] : [['units', [space.classes]]];
  const folding: [string, readonly ActionValue[]][] = space.folding.mode === 'searched' ? [['pe', space.folding.pe], ['simd', space.folding.simd]] : [['pe', [1]], ['simd', [1]]];
  return [...own, ...quantFields(space), ...folding];
};

const slots = (space: SearchSpace): Slot[] => [
  ...Array.from({ length: space.convLayers.max }, (): Slot => 'conv'),
  ...Array.from({ length: space.hiddenDense.count }, (): Slot => 'hidden'),
  'classifier',
];

/** Every field of every slot, including single-choice ones (those are not actions). */
const allFields = (space: SearchSpace): ActionSpecEntry[] => {
  const out: ActionSpecEntry[] = [];
  const depths = Array.from({ length: space.convLayers.max - space.convLayers.min + 1 }, (_, i) => space.convLayers.min + i);
  out.push({ name: 'depth', layer: -1, field: 'depth', choices: depths.length, values: depths });
  slots(space).forEach((slot, layer) => {
    for (const [field, values] of slotFields(space, slot)) out.push({ name: `L${layer}.${field}`, layer, field, choices: values.length, values });
  });
  return out;
};

/** The controller's decisions for `space`, in order: one integer action per entry. */
export const actionSpec = (space: SearchSpace): ActionSpecEntry[] => allFields(space).filter((e) => e.choices > 1);

const sameValue = (a: ActionValue | undefined, b: ActionValue | undefined): boolean =>
  a === b || (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && a !== undefined && b !== undefined && a.size === b.size && a.stride === b.stride);

const fieldValue = (layer: Layer, field: string, conv: number): ActionValue | undefined => {
  switch (field) {
    case 'depth': return conv;
    case 'maxPool': return layer.kind === 'conv' ? (layer.maxPool ?? null) : undefined;
    case 'skip': return layer.kind === 'conv' ? (layer.skip ?? false) : undefined;
    case 'weightFracBits': return layer.weightBits - (layer.weightIntBits ?? 0);
    case 'activationFracBits': return layer.activationBits - (layer.activationIntBits ?? 0);
    case 'filters': return layer.kind === 'conv' ? layer.filters : undefined;
    case 'kernelSize': return layer.kind === 'conv' ? layer.kernelSize : undefined;
    case 'stride': return layer.kind === 'conv' ? layer.stride : undefined;
    case 'padding': return layer.kind === 'conv' ? layer.padding : undefined;
    case 'units': return layer.kind === 'dense' ? layer.units : undefined;
    case 'weightBits': return layer.weightBits;
    case 'activationBits': return layer.activationBits;
    case 'weightIntBits': return layer.weightIntBits;
    case 'activationIntBits': return layer.activationIntBits;
    case 'pe': return layer.pe;
    case 'simd': return layer.simd;
    default: return undefined;
  }
};

/** Encodes a candidate of `space` as its action vector. Throws SpaceError when the candidate is not in the space. */
export const encodeCandidate = (candidate: Candidate, space: SearchSpace): number[] => {
  validateCandidate(candidate, space);
  const convs = candidate.layers.filter((l) => l.kind === 'conv').length;
  const layout = slots(space);
  const denseStart = candidate.layers.length - 1 - space.hiddenDense.count;
  return actionSpec(space).map((entry) => {
    if (entry.field === 'depth') return entry.values.indexOf(convs);
    const slot = layout[entry.layer];
    const index = slot === 'conv' ? entry.layer : denseStart + (entry.layer - space.convLayers.max);
    const layer = slot === 'conv' && entry.layer >= convs ? undefined : candidate.layers[index];
    if (layer === undefined) return 0; // an unused conv slot: its actions are ignored by decode
    const value = fieldValue(layer, entry.field, convs);
    return Math.max(0, entry.values.findIndex((v) => sameValue(v, value)));
  });
};

/** Decodes an action vector of `space` into a candidate. Throws SpaceError on a wrong length or an out-of-range action. */
export const decodeCandidate = (actions: readonly number[], space: SearchSpace): Candidate => {
  const spec = actionSpec(space);
  if (actions.length !== spec.length) {
    throw new SpaceError(`space '${space.name}' expects ${spec.length} actions, but got ${actions.length}; use actionSpec(space) for the layout`);
  }
  const chosen = new Map<string, ActionValue>();
  spec.forEach((entry, i) => {
    const a = actions[i];
    const value = a === undefined ? undefined : entry.values[a];
    if (a === undefined || !Number.isInteger(a) || value === undefined) {
      throw new SpaceError(`action ${i} (${entry.name}) expects an integer from 0 to ${entry.choices - 1}, but got ${String(a)}`);
    }
    chosen.set(entry.name, value);
  });
  const fields = allFields(space);
  const get = (name: string): ActionValue => {
    if (chosen.has(name)) return chosen.get(name) ?? null;
    const entry = fields.find((e) => e.name === name);
    return entry?.values[0] ?? null;
  };
  const num = (name: string): number => Number(get(name));
  const depth = num('depth');
  const layers: Layer[] = [];
  slots(space).forEach((slot, s) => {
    if (slot === 'conv' && s >= depth) return;
    const quant = space.quant.mode === 'fixed'
      ? { weightBits: num(`L${s}.weightIntBits`) + num(`L${s}.weightFracBits`), activationBits: num(`L${s}.activationIntBits`) + num(`L${s}.activationFracBits`), weightIntBits: num(`L${s}.weightIntBits`), activationIntBits: num(`L${s}.activationIntBits`) }
      : { weightBits: num(`L${s}.weightBits`), activationBits: num(`L${s}.activationBits`) };
    const folding = { pe: num(`L${s}.pe`), simd: num(`L${s}.simd`) };
    if (slot === 'conv') {
      const pool = get(`L${s}.maxPool`);
      const conv: ConvLayer = { kind: 'conv', filters: num(`L${s}.filters`), kernelSize: num(`L${s}.kernelSize`), stride: num(`L${s}.stride`), padding: get(`L${s}.padding`) === 'valid' ? 'valid' : 'same', ...quant, ...folding };
      if (typeof pool === 'object' && pool !== null) conv.maxPool = { size: pool.size, stride: pool.stride };
      if (get(`L${s}.skip`) === true) conv.skip = true;
      layers.push(conv);
    } else {
      const dense: DenseLayer = { kind: 'dense', units: num(`L${s}.units`), ...quant, ...folding };
      layers.push(dense);
    }
  });
  return { input: { ...space.input }, layers };
};
