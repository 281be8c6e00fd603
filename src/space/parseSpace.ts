// Custom search spaces from JSON: parseSearchSpace validates every list and bound with messages naming the field,
// and resolveSearchSpace accepts a preset name or a JSON object.
import type { InputSpec, MaxPool } from './candidate.js';
import { parseDesignRules } from './designRules.js';
import { SPACE_PRESETS, type FoldingSpace, type QuantSpace, type SearchSpace } from './searchSpace.js';
import { SpaceError, spaceErrorFromIssues, type SpaceIssue } from './spaceError.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  readonly issues: SpaceIssue[] = [];

  ints(
    obj: Record<string, unknown>,
    field: string,
    path: string,
    min: number,
    max: number,
    allowEmpty = false,
  ): number[] {
    const v = obj[field];
    const ok =
      Array.isArray(v) &&
      (allowEmpty || v.length > 0) &&
      v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max);
    if (!ok) {
      this.issues.push({
        path: `${path}${field}`,
        field,
        message: `expects a ${allowEmpty ? '' : 'non-empty '}list of integers from ${min} to ${max}, but got ${JSON.stringify(v) ?? 'nothing'}`,
      });
      return [min];
    }
    return [...new Set(v as number[])];
  }

  int(obj: Record<string, unknown>, field: string, path: string, min: number, max: number): number {
    const v = obj[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.issues.push({
        path: `${path}${field}`,
        field,
        message: `expects an integer from ${min} to ${max}, but got ${JSON.stringify(v) ?? 'nothing'}`,
      });
      return min;
    }
    return v;
  }

  record(obj: Record<string, unknown>, field: string, path: string): Record<string, unknown> {
    const v = obj[field];
    if (!isRecord(v)) {
      this.issues.push({
        path: `${path}${field}`,
        field,
        message: `expects an object, but got ${JSON.stringify(v) ?? 'nothing'}`,
      });
      return {};
    }
    return v;
  }
}

const defaultInput: InputSpec = { height: 32, width: 32, channels: 3, bits: 8 };

/** Validates a search space given as JSON (see docs/hardware.md). Throws SpaceError (BAD_USER_INPUT) listing every problem. */
export const parseSearchSpace = (json: unknown): SearchSpace => {
  if (!isRecord(json))
    throw new SpaceError(
      `expects a search space object or a preset name (${Object.keys(SPACE_PRESETS).join(', ')}), but got ${JSON.stringify(json)}`,
    );
  const r = new Reader();
  const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : 'custom';
  const inputRaw = json.input === undefined ? { ...defaultInput } : r.record(json, 'input', '');
  const input: InputSpec = {
    height: r.int(inputRaw, 'height', 'input.', 1, 4096),
    width: r.int(inputRaw, 'width', 'input.', 1, 4096),
    channels: r.int(inputRaw, 'channels', 'input.', 1, 4096),
    bits: r.int(inputRaw, 'bits', 'input.', 1, 16),
  };
  const classes = json.classes === undefined ? 10 : r.int(json, 'classes', '', 1, 65536);
  const layersRaw = r.record(json, 'convLayers', '');
  const convLayers = {
    min: r.int(layersRaw, 'min', 'convLayers.', 0, 64),
    max: r.int(layersRaw, 'max', 'convLayers.', 0, 64),
  };
  if (convLayers.max < convLayers.min)
    r.issues.push({
      path: 'convLayers',
      field: 'convLayers',
      message: `expects min <= max, but got min ${convLayers.min}, max ${convLayers.max}`,
    });
  const convRaw = r.record(json, 'conv', '');
  const padding = Array.isArray(convRaw.padding) ? convRaw.padding : ['same'];
  if (padding.length === 0 || !padding.every((p) => p === 'same' || p === 'valid'))
    r.issues.push({
      path: 'conv.padding',
      field: 'padding',
      allowed: ['same', 'valid'],
      message: `expects a non-empty list of 'same'/'valid', but got ${JSON.stringify(convRaw.padding)}`,
    });
  const poolsRaw = Array.isArray(convRaw.maxPool) ? convRaw.maxPool : [null];
  const maxPool: (MaxPool | null)[] = poolsRaw.map((p, i) => {
    if (p === null) return null;
    if (!isRecord(p)) {
      r.issues.push({
        path: `conv.maxPool[${i}]`,
        field: 'maxPool',
        message: `expects null or {size, stride}, but got ${JSON.stringify(p)}`,
      });
      return null;
    }
    return {
      size: r.int(p, 'size', `conv.maxPool[${i}].`, 1, 8),
      stride: r.int(p, 'stride', `conv.maxPool[${i}].`, 1, 8),
    };
  });
  const skipRaw = Array.isArray(convRaw.skip) ? convRaw.skip : [false];
  if (skipRaw.length === 0 || !skipRaw.every((s) => typeof s === 'boolean'))
    r.issues.push({
      path: 'conv.skip',
      field: 'skip',
      message: `expects a non-empty list of booleans, but got ${JSON.stringify(convRaw.skip)}`,
    });
  const conv = {
    filters: r.ints(convRaw, 'filters', 'conv.', 1, 65536),
    kernelSize: r.ints(convRaw, 'kernelSize', 'conv.', 1, 15),
    stride: convRaw.stride === undefined ? [1] : r.ints(convRaw, 'stride', 'conv.', 1, 8),
    padding: padding.filter((p): p is 'same' | 'valid' => p === 'same' || p === 'valid'),
    maxPool,
    skip: skipRaw.filter((s): s is boolean => typeof s === 'boolean'),
  };
  const hiddenRaw = json.hiddenDense === undefined ? { count: 0, units: [] } : r.record(json, 'hiddenDense', '');
  const hiddenCount = r.int(hiddenRaw, 'count', 'hiddenDense.', 0, 16);
  const hiddenDense = {
    count: hiddenCount,
    units: r.ints(hiddenRaw, 'units', 'hiddenDense.', 1, 65536, hiddenCount === 0),
  };
  const quantRaw = r.record(json, 'quant', '');
  let quant: QuantSpace;
  if (quantRaw.mode === 'fixed') {
    quant = {
      mode: 'fixed',
      weightIntBits: r.ints(quantRaw, 'weightIntBits', 'quant.', 1, 16),
      weightFracBits: r.ints(quantRaw, 'weightFracBits', 'quant.', 0, 15),
      activationIntBits: r.ints(quantRaw, 'activationIntBits', 'quant.', 1, 16),
      activationFracBits: r.ints(quantRaw, 'activationFracBits', 'quant.', 0, 15),
    };
    const maxW = Math.max(...quant.weightIntBits) + Math.max(...quant.weightFracBits);
    const maxA = Math.max(...quant.activationIntBits) + Math.max(...quant.activationFracBits);
    if (maxW > 16 || maxA > 16)
      r.issues.push({
        path: 'quant',
        field: 'quant',
        message: `expects int + frac bits <= 16, but the largest sums are ${maxW} (weights) and ${maxA} (activations)`,
      });
  } else if (quantRaw.mode === 'bits') {
    quant = {
      mode: 'bits',
      weightBits: r.ints(quantRaw, 'weightBits', 'quant.', 1, 16),
      activationBits: r.ints(quantRaw, 'activationBits', 'quant.', 1, 16),
    };
  } else {
    r.issues.push({
      path: 'quant.mode',
      field: 'mode',
      allowed: ['fixed', 'bits'],
      message: `expects 'fixed' or 'bits', but got ${JSON.stringify(quantRaw.mode)}`,
    });
    quant = { mode: 'bits', weightBits: [8], activationBits: [8] };
  }
  const foldRaw = json.folding === undefined ? { mode: 'auto' } : r.record(json, 'folding', '');
  let folding: FoldingSpace = { mode: 'auto' };
  if (foldRaw.mode === 'searched')
    folding = {
      mode: 'searched',
      pe: r.ints(foldRaw, 'pe', 'folding.', 1, 65536),
      simd: r.ints(foldRaw, 'simd', 'folding.', 1, 65536),
    };
  else if (foldRaw.mode !== 'auto')
    r.issues.push({
      path: 'folding.mode',
      field: 'mode',
      allowed: ['auto', 'searched'],
      message: `expects 'auto' or 'searched', but got ${JSON.stringify(foldRaw.mode)}`,
    });
  const rules = json.rules === undefined ? undefined : parseDesignRules(r.record(json, 'rules', ''), r.issues);
  if (r.issues.length > 0) throw spaceErrorFromIssues('search space', r.issues);
  const description = typeof json.description === 'string' ? json.description : undefined;
  return {
    name,
    ...(description === undefined ? {} : { description }),
    input,
    classes,
    convLayers,
    conv,
    hiddenDense,
    quant,
    folding,
    ...(rules === undefined ? {} : { rules }),
  };
};

/** A preset by name (qnas, qnas-auto, quick, finn) or a custom space object. Throws SpaceError on an unknown name. */
export const resolveSearchSpace = (nameOrJson: unknown): SearchSpace => {
  if (typeof nameOrJson === 'string') {
    const preset = SPACE_PRESETS[nameOrJson];
    if (!preset)
      throw new SpaceError(
        `expects a space preset among ${Object.keys(SPACE_PRESETS).join(', ')} or a JSON object, but got '${nameOrJson}'`,
      );
    return preset;
  }
  return parseSearchSpace(nameOrJson);
};
