// Shape inference for a candidate: per-layer input/output height, width and channels, MACs and parameters.
// Conv output: 'same' ceil(in/stride), 'valid' floor((in-k)/stride)+1; max pool floor((in-size)/stride)+1.
import type { Candidate, Layer } from './candidate.js';
import { spaceErrorFromIssues, type SpaceIssue } from './spaceError.js';

export interface LayerShape {
  index: number;
  kind: Layer['kind'];
  inH: number;
  inW: number;
  inC: number;
  /** Output of the conv (or dense) before any pool. */
  convOutH: number;
  convOutW: number;
  /** Output after the pool (equal to convOut* without one); dense layers have outH = outW = 1. */
  outH: number;
  outW: number;
  outC: number;
  /** Inputs of one output neuron: k·k·in_c for a conv, the flattened input for a dense layer. */
  fanIn: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** Weights plus biases. */
  params: number;
}

export interface NetworkShape {
  layers: LayerShape[];
  totalMacs: number;
  totalParams: number;
}

export const convOutputSize = (input: number, kernel: number, stride: number, padding: 'same' | 'valid'): number =>
  padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - kernel) / stride) + 1;

export const poolOutputSize = (input: number, size: number, stride: number): number =>
  Math.floor((input - size) / stride) + 1;

/** Computes every layer's shape; collects shape problems (a size that reaches 0, a skip that cannot add) as issues. */
export const collectShapes = (candidate: Candidate, issues: SpaceIssue[]): NetworkShape => {
  let h = candidate.input.height;
  let w = candidate.input.width;
  let c = candidate.input.channels;
  const layers: LayerShape[] = [];
  let totalMacs = 0;
  let totalParams = 0;
  candidate.layers.forEach((layer, index) => {
    const inH = h;
    const inW = w;
    const inC = c;
    let shape: LayerShape;
    if (layer.kind === 'conv') {
      const convOutH = convOutputSize(h, layer.kernelSize, layer.stride, layer.padding);
      const convOutW = convOutputSize(w, layer.kernelSize, layer.stride, layer.padding);
      const outH = layer.maxPool ? poolOutputSize(convOutH, layer.maxPool.size, layer.maxPool.stride) : convOutH;
      const outW = layer.maxPool ? poolOutputSize(convOutW, layer.maxPool.size, layer.maxPool.stride) : convOutW;
      if (convOutH < 1 || convOutW < 1) {
        issues.push({
          path: `layers[${index}]`,
          layer: index,
          field: 'kernelSize',
          message: `a ${layer.kernelSize}x${layer.kernelSize} '${layer.padding}' conv needs an input of at least ${layer.kernelSize}x${layer.kernelSize}, but the input is ${inH}x${inW}; use 'same' padding, a smaller kernel or fewer downsampling layers before it`,
        });
      } else if (outH < 1 || outW < 1) {
        issues.push({
          path: `layers[${index}].maxPool`,
          layer: index,
          field: 'maxPool',
          message: `a ${layer.maxPool?.size ?? 0}x${layer.maxPool?.size ?? 0} pool needs an input of at least that size, but the conv output is ${convOutH}x${convOutW}; remove the pool`,
        });
      }
      if (
        layer.skip === true &&
        (layer.stride !== 1 || layer.padding !== 'same' || layer.filters !== inC || layer.maxPool !== undefined)
      ) {
        issues.push({
          path: `layers[${index}].skip`,
          layer: index,
          field: 'skip',
          message: `a skip connection needs stride 1, 'same' padding, no pool and filters equal to the input channels (${inC}), but got stride ${layer.stride}, '${layer.padding}', ${layer.maxPool ? 'a pool' : 'no pool'}, ${layer.filters} filters; set skip to false`,
        });
      }
      const fanIn = layer.kernelSize * layer.kernelSize * inC;
      const macs = Math.max(convOutH, 0) * Math.max(convOutW, 0) * layer.filters * fanIn;
      shape = {
        index,
        kind: 'conv',
        inH,
        inW,
        inC,
        convOutH,
        convOutW,
        outH,
        outW,
        outC: layer.filters,
        fanIn,
        macs,
        params: fanIn * layer.filters + layer.filters,
      };
      h = Math.max(outH, 1);
      w = Math.max(outW, 1);
      c = layer.filters;
    } else {
      const fanIn = h * w * c;
      shape = {
        index,
        kind: 'dense',
        inH,
        inW,
        inC,
        convOutH: 1,
        convOutW: 1,
        outH: 1,
        outW: 1,
        outC: layer.units,
        fanIn,
        macs: fanIn * layer.units,
        params: fanIn * layer.units + layer.units,
      };
      h = 1;
      w = 1;
      c = layer.units;
    }
    totalMacs += shape.macs;
    totalParams += shape.params;
    layers.push(shape);
  });
  return { layers, totalMacs, totalParams };
};

/** Shapes, MACs and parameters of every layer. Throws SpaceError (BAD_USER_INPUT) when a shape is impossible. */
export const inferShapes = (candidate: Candidate): NetworkShape => {
  const issues: SpaceIssue[] = [];
  const shape = collectShapes(candidate, issues);
  if (issues.length > 0) throw spaceErrorFromIssues('candidate shapes', issues);
  return shape;
};
