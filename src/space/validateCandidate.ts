// validateCandidate: checks unknown JSON against the public candidate format (types, ranges, layer order,
// shapes) and, when a space is given, against its allowed values. Errors name the layer index, field and allowed values.
import type { Candidate, Layer } from './candidate.js';
import { allowedActivationBits, allowedWeightBits, type SearchSpace } from './searchSpace.js';
import { collectRuleIssues } from './designRules.js';
import { collectShapes } from './shapes.js';
import { spaceErrorFromIssues, type SpaceIssue } from './spaceError.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

const checkInt = (
  issues: SpaceIssue[],
  obj: Record<string, unknown>,
  field: string,
  path: string,
  min: number,
  max: number,
  layer?: number,
  optional = false,
): void => {
  const v = obj[field];
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    issues.push({
      path: `${path}.${field}`,
      field,
      ...(layer === undefined ? {} : { layer }),
      message: `expects an integer from ${min} to ${max}, but got ${describe(v)}`,
    });
  }
};

const checkLayer = (issues: SpaceIssue[], raw: unknown, i: number, isLast: boolean, sawDense: boolean): void => {
  const path = `layers[${i}]`;
  if (!isRecord(raw)) {
    issues.push({ path, layer: i, message: `expects a layer object, but got ${describe(raw)}` });
    return;
  }
  if (raw.kind !== 'conv' && raw.kind !== 'dense') {
    issues.push({
      path: `${path}.kind`,
      layer: i,
      field: 'kind',
      allowed: ['conv', 'dense'],
      message: `expects 'conv' or 'dense', but got ${describe(raw.kind)}`,
    });
    return;
  }
  if (raw.kind === 'conv') {
    if (sawDense)
      issues.push({
        path: `${path}.kind`,
        layer: i,
        field: 'kind',
        message: 'convs must come before every dense layer; move this conv up',
      });
    checkInt(issues, raw, 'filters', path, 1, 65536, i);
    checkInt(issues, raw, 'kernelSize', path, 1, 15, i);
    checkInt(issues, raw, 'stride', path, 1, 8, i);
    if (raw.padding !== 'same' && raw.padding !== 'valid') {
      issues.push({
        path: `${path}.padding`,
        layer: i,
        field: 'padding',
        allowed: ['same', 'valid'],
        message: `expects 'same' or 'valid', but got ${describe(raw.padding)}`,
      });
    }
    if (raw.maxPool !== undefined) {
      if (!isRecord(raw.maxPool))
        issues.push({
          path: `${path}.maxPool`,
          layer: i,
          field: 'maxPool',
          message: `expects {size, stride} or no field, but got ${describe(raw.maxPool)}`,
        });
      else {
        checkInt(issues, raw.maxPool, 'size', `${path}.maxPool`, 1, 8, i);
        checkInt(issues, raw.maxPool, 'stride', `${path}.maxPool`, 1, 8, i);
      }
    }
    if (raw.skip !== undefined && typeof raw.skip !== 'boolean') {
      issues.push({
        path: `${path}.skip`,
        layer: i,
        field: 'skip',
        message: `expects true, false or no field, but got ${describe(raw.skip)}`,
      });
    }
    if (isLast)
      issues.push({
        path,
        layer: i,
        message:
          'the last layer must be the dense classifier, but it is a conv; append {"kind":"dense","units":10,...}',
      });
  } else {
    checkInt(issues, raw, 'units', path, 1, 65536, i);
  }
  checkInt(issues, raw, 'weightBits', path, 1, 16, i);
  checkInt(issues, raw, 'activationBits', path, 1, 16, i);
  const wb = typeof raw.weightBits === 'number' ? raw.weightBits : 16;
  const ab = typeof raw.activationBits === 'number' ? raw.activationBits : 16;
  checkInt(issues, raw, 'weightIntBits', path, 1, wb, i, true);
  checkInt(issues, raw, 'activationIntBits', path, 1, ab, i, true);
  checkInt(issues, raw, 'pe', path, 1, 65536, i);
  checkInt(issues, raw, 'simd', path, 1, 65536, i);
};

const checkAllowed = (
  issues: SpaceIssue[],
  layer: number,
  field: string,
  value: unknown,
  allowed: readonly (number | string | boolean)[],
): void => {
  if (!allowed.includes(value as number | string | boolean)) {
    issues.push({
      path: `layers[${layer}].${field}`,
      layer,
      field,
      allowed,
      message: `expects one of ${JSON.stringify(allowed)} in this space, but got ${describe(value)}`,
    });
  }
};

/** Checks that a structurally valid candidate lies in `space`; pushes one issue per offending field. */
export const collectSpaceIssues = (c: Candidate, space: SearchSpace, issues: SpaceIssue[]): void => {
  const convs = c.layers.filter((l) => l.kind === 'conv').length;
  const dense = c.layers.length - convs;
  if (convs < space.convLayers.min || convs > space.convLayers.max) {
    issues.push({
      path: 'layers',
      field: 'layers',
      message: `space '${space.name}' expects ${space.convLayers.min} to ${space.convLayers.max} conv layers, but got ${convs}`,
    });
  }
  if (dense !== space.hiddenDense.count + 1) {
    issues.push({
      path: 'layers',
      field: 'layers',
      message: `space '${space.name}' expects ${space.hiddenDense.count} hidden dense layers plus the classifier, but got ${dense} dense layers`,
    });
  }
  for (const key of ['height', 'width', 'channels', 'bits'] as const) {
    if (c.input[key] !== space.input[key])
      issues.push({
        path: `input.${key}`,
        field: key,
        message: `space '${space.name}' expects input.${key} = ${space.input[key]}, but got ${c.input[key]}`,
      });
  }
  const wBits = allowedWeightBits(space.quant);
  const aBits = allowedActivationBits(space.quant);
  c.layers.forEach((layer: Layer, i) => {
    if (layer.kind === 'conv') {
      checkAllowed(issues, i, 'filters', layer.filters, space.conv.filters);
      checkAllowed(issues, i, 'kernelSize', layer.kernelSize, space.conv.kernelSize);
      checkAllowed(issues, i, 'stride', layer.stride, space.conv.stride);
      checkAllowed(issues, i, 'padding', layer.padding, space.conv.padding);
      const pool = layer.maxPool ? `${layer.maxPool.size}/${layer.maxPool.stride}` : 'none';
      checkAllowed(
        issues,
        i,
        'maxPool',
        pool,
        space.conv.maxPool.map((p) => (p ? `${p.size}/${p.stride}` : 'none')),
      );
      checkAllowed(issues, i, 'skip', layer.skip ?? false, space.conv.skip);
    } else if (i === c.layers.length - 1) {
      checkAllowed(issues, i, 'units', layer.units, [space.classes]);
    } else {
      checkAllowed(issues, i, 'units', layer.units, space.hiddenDense.units);
    }
    checkAllowed(issues, i, 'weightBits', layer.weightBits, wBits);
    checkAllowed(issues, i, 'activationBits', layer.activationBits, aBits);
    if (space.quant.mode === 'fixed') {
      checkAllowed(issues, i, 'weightIntBits', layer.weightIntBits, space.quant.weightIntBits);
      checkAllowed(issues, i, 'activationIntBits', layer.activationIntBits, space.quant.activationIntBits);
      if (layer.weightIntBits !== undefined)
        checkAllowed(issues, i, 'weightFracBits', layer.weightBits - layer.weightIntBits, space.quant.weightFracBits);
      if (layer.activationIntBits !== undefined)
        checkAllowed(
          issues,
          i,
          'activationFracBits',
          layer.activationBits - layer.activationIntBits,
          space.quant.activationFracBits,
        );
    }
    if (space.folding.mode === 'searched') {
      checkAllowed(issues, i, 'pe', layer.pe, space.folding.pe);
      checkAllowed(issues, i, 'simd', layer.simd, space.folding.simd);
    }
  });
  if (space.rules !== undefined) {
    const shapes = collectShapes(c, []).layers;
    const mapAfter = shapes.map((l) => Math.min(l.outH, l.outW));
    collectRuleIssues(
      space.rules,
      space.name,
      c.layers.map((layer, index) => ({ index, layer })),
      mapAfter,
      issues,
    );
  }
};

// Every field was checked above, so no issue means the value has the Candidate shape.
const passedStructure = (_value: unknown, issues: readonly SpaceIssue[]): _value is Candidate => issues.length === 0;

/**
 * Returns every problem of `input` as a candidate (empty when valid): format, ranges, layer order, shapes, and
 * membership in `space` when one is given.
 */
export const candidateIssues = (input: unknown, space?: SearchSpace): SpaceIssue[] => {
  const issues: SpaceIssue[] = [];
  if (!isRecord(input))
    return [{ path: '', message: `expects a candidate object {input, layers}, but got ${describe(input)}` }];
  if (!isRecord(input.input))
    issues.push({
      path: 'input',
      field: 'input',
      message: `expects {height, width, channels, bits}, but got ${describe(input.input)}`,
    });
  else {
    for (const f of ['height', 'width', 'channels'] as const) checkInt(issues, input.input, f, 'input', 1, 4096);
    checkInt(issues, input.input, 'bits', 'input', 1, 16);
  }
  if (!Array.isArray(input.layers) || input.layers.length === 0) {
    issues.push({
      path: 'layers',
      field: 'layers',
      message: `expects a non-empty list of layers ending in a dense classifier, but got ${describe(input.layers)}`,
    });
    return issues;
  }
  const layers: unknown[] = input.layers;
  let sawDense = false;
  layers.forEach((raw, i) => {
    checkLayer(issues, raw, i, i === layers.length - 1, sawDense);
    if (isRecord(raw) && raw.kind === 'dense') sawDense = true;
  });
  if (!passedStructure(input, issues)) return issues;
  collectShapes(input, issues);
  if (space) collectSpaceIssues(input, space, issues);
  return issues;
};

/** Asserts `input` is a valid candidate (in `space`, when given) and returns it typed. Throws SpaceError (BAD_USER_INPUT). */
export const validateCandidate = (input: unknown, space?: SearchSpace): Candidate => {
  const issues = candidateIssues(input, space);
  if (issues.length > 0)
    throw spaceErrorFromIssues(space ? `candidate for space '${space.name}'` : 'candidate', issues);
  return input as Candidate;
};

/** True when `input` is a valid candidate (in `space`, when given). */
export const isValidCandidate = (input: unknown, space?: SearchSpace): input is Candidate =>
  candidateIssues(input, space).length === 0;
