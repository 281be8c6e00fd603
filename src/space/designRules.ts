// Design rules: what a network designer rules out before any training, as data on a search space. The action
// decoder repairs a choice that breaks a rule (so no controller can propose a degenerate net), and validation
// reports a candidate that breaks one.
import type { ConvLayer } from './candidate.js';
import type { SpaceIssue } from './spaceError.js';

/** Rules a search space may state. Every rule is optional; absent means "not checked". */
export interface DesignRules {
  /**
   * Most downsamplings (a conv with stride > 1, or a pool with stride > 1) in the network. A downsampling past the
   * limit is decoded as stride 1 (or no pool).
   */
  maxDownsamplings?: number;
  /**
   * Smallest height and width of the map the classifier sees (the last conv's output), in pixels. A
   * downsampling that would shrink the map below it is decoded as stride 1 (or no pool).
   */
  minFeatureMap?: number;
  /**
   * A strided conv's kernel must cover its stride (kernelSize ≥ stride), so no input pixel is skipped: a 1x1
   * stride-2 conv drops three pixels in four. The decoder raises such a kernel to the smallest allowed one that covers it.
   */
  kernelCoversStride?: boolean;
  /** Fewest weight bits of any layer; the decoder raises fewer (fraction bits first in fixed point). */
  minWeightBits?: number;
  /** Fewest activation bits of any hidden layer; the decoder raises fewer (fraction bits first in fixed point). */
  minActivationBits?: number;
}

/** The downsampling factor of a conv layer: its stride times its pool's stride. */
const downsamplingsOf = (layer: Pick<ConvLayer, 'stride' | 'maxPool'>): number =>
  (layer.stride > 1 ? 1 : 0) + (layer.maxPool !== undefined && layer.maxPool.stride > 1 ? 1 : 0);

/** Whether one more downsampling is allowed, given those so far and the map size it would produce. */
export const allowsDownsampling = (rules: DesignRules | undefined, done: number, nextSize: number): boolean =>
  (rules?.maxDownsamplings === undefined || done < rules.maxDownsamplings) &&
  (rules?.minFeatureMap === undefined || nextSize >= rules.minFeatureMap);

/**
 * Pushes one issue per broken rule of a candidate's conv layers; `mapAfter[i]` is the smaller side of conv i's
 * output map (after its pool), from shape inference.
 */
export const collectRuleIssues = (
  rules: DesignRules,
  spaceName: string,
  layers: ReadonlyArray<{
    index: number;
    layer: ConvLayer | { kind: 'dense'; weightBits: number; activationBits: number };
  }>,
  mapAfter: readonly number[],
  issues: SpaceIssue[],
): void => {
  let downsamplings = 0;
  let lastConv = -1;
  layers.forEach(({ index, layer }, k) => {
    if (rules.minWeightBits !== undefined && layer.weightBits < rules.minWeightBits) {
      issues.push({
        path: `layers[${index}].weightBits`,
        layer: index,
        field: 'weightBits',
        message: `space '${spaceName}' expects at least ${rules.minWeightBits} weight bits, but got ${layer.weightBits}`,
      });
    }
    const hidden = k < layers.length - 1;
    if (hidden && rules.minActivationBits !== undefined && layer.activationBits < rules.minActivationBits) {
      issues.push({
        path: `layers[${index}].activationBits`,
        layer: index,
        field: 'activationBits',
        message: `space '${spaceName}' expects at least ${rules.minActivationBits} activation bits, but got ${layer.activationBits}`,
      });
    }
    if (layer.kind !== 'conv') return;
    lastConv = k;
    downsamplings += downsamplingsOf(layer);
    if (rules.kernelCoversStride === true && layer.kernelSize < layer.stride) {
      issues.push({
        path: `layers[${index}].kernelSize`,
        layer: index,
        field: 'kernelSize',
        message: `space '${spaceName}' expects a strided conv's kernel to cover its stride, but got a ${layer.kernelSize}x${layer.kernelSize} kernel at stride ${layer.stride}; use kernelSize >= ${layer.stride}`,
      });
    }
  });
  if (rules.maxDownsamplings !== undefined && downsamplings > rules.maxDownsamplings) {
    issues.push({
      path: 'layers',
      field: 'stride',
      message: `space '${spaceName}' expects at most ${rules.maxDownsamplings} downsamplings (strided convs and pools), but got ${downsamplings}`,
    });
  }
  const finalMap = lastConv >= 0 ? mapAfter[lastConv] : undefined;
  if (rules.minFeatureMap !== undefined && finalMap !== undefined && finalMap < rules.minFeatureMap) {
    issues.push({
      path: 'layers',
      field: 'stride',
      message: `space '${spaceName}' expects the classifier to see at least a ${rules.minFeatureMap}x${rules.minFeatureMap} map, but the last conv outputs ${finalMap}x${finalMap}; use fewer strided convs or pools`,
    });
  }
};

/** Parses a `rules` object of a custom space; pushes issues naming each bad field. */
export const parseDesignRules = (raw: Record<string, unknown>, issues: SpaceIssue[]): DesignRules => {
  const rules: DesignRules = {};
  const known = ['maxDownsamplings', 'minFeatureMap', 'kernelCoversStride', 'minWeightBits', 'minActivationBits'];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key))
      issues.push({
        path: `rules.${key}`,
        field: key,
        allowed: known,
        message: `is not a design rule; expected one of ${known.join(', ')}`,
      });
  }
  const int = (
    key: 'maxDownsamplings' | 'minFeatureMap' | 'minWeightBits' | 'minActivationBits',
    min: number,
    max: number,
  ): void => {
    const v = raw[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      issues.push({
        path: `rules.${key}`,
        field: key,
        message: `expects an integer from ${min} to ${max}, but got ${JSON.stringify(v)}`,
      });
      return;
    }
    rules[key] = v;
  };
  int('maxDownsamplings', 0, 64);
  int('minFeatureMap', 1, 4096);
  int('minWeightBits', 1, 16);
  int('minActivationBits', 1, 16);
  const covers = raw.kernelCoversStride;
  if (covers !== undefined) {
    if (typeof covers !== 'boolean')
      issues.push({
        path: 'rules.kernelCoversStride',
        field: 'kernelCoversStride',
        message: `expects true or false, but got ${JSON.stringify(covers)}`,
      });
    else rules.kernelCoversStride = covers;
  }
  return rules;
};
