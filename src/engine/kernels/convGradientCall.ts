// What every conv gradient kernel reads from its call: the two input tensors, the forward conv's shapes,
// strides, dilations and resolved padding. Shared by the Conv2D and depthwise backprop kernels.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  assertChannelsLast,
  assertKernelBackend,
  createKernelRunner,
  forwardPadding,
  readPad,
  readPair,
  readRoundingMode,
  readShape4,
  shape4,
} from './kernelUtils.js';
import type { KernelRunner, Pair, Shape4 } from './kernelUtils.js';

type KernelArgs = Parameters<KernelFunc>[0];

/** The forward conv behind a gradient call; `inShape` is the forward input's shape, `pads` its resolved padding. */
export interface ConvGradientCall {
  r: KernelRunner;
  inShape: Shape4;
  filterShape: Shape4;
  dyShape: Shape4;
  strides: Pair;
  /** [1, 1] for Conv2D (whose gradient kernels take no dilations); the 'dilations' attribute for depthwise. */
  dilations: Pair;
  pads: ReturnType<typeof forwardPadding>;
}

export type InputGradientCall = ConvGradientCall & { dy: TensorInfo; filter: TensorInfo };
export type FilterGradientCall = ConvGradientCall & { x: TensorInfo; dy: TensorInfo };

const readForwardConv = (
  r: KernelRunner,
  attrs: NonNullable<KernelArgs['attrs']>,
  shapes: { inShape: Shape4; filterShape: Shape4; dyShape: Shape4 },
  depthwise: boolean,
): ConvGradientCall => {
  const strides = readPair(attrs, 'strides');
  const dilations: Pair = depthwise ? readPair(attrs, 'dilations', 1) : [1, 1];
  const pads = forwardPadding(
    shapes.inShape,
    shapes.filterShape,
    strides,
    dilations,
    readPad(attrs),
    readRoundingMode(attrs),
    depthwise,
  );
  return { r, ...shapes, strides, dilations, pads };
};

/** The runner, the two named input tensors (both required) and the attributes, after the checks every call shares. */
const readOperands = (
  { inputs, backend, attrs = {} }: KernelArgs,
  kernelName: string,
  first: string,
  second: string,
) => {
  const r = createKernelRunner(assertKernelBackend(backend, kernelName));
  const a = inputs[first];
  const b = inputs[second];
  if (a === undefined || b === undefined) throw new Error(`${kernelName} expects inputs ${first} and ${second}`);
  assertChannelsLast(attrs, kernelName);
  return { r, attrs, a, b };
};

/** Reads an input-gradient call (inputs dy and filter, attribute inputShape): Conv2DBackpropInput and its depthwise twin. */
export const readInputGradientCall = (args: KernelArgs, kernelName: string, depthwise: boolean): InputGradientCall => {
  const { r, attrs, a: dy, b: filter } = readOperands(args, kernelName, 'dy', 'filter');
  const shapes = {
    inShape: readShape4(attrs, 'inputShape'),
    filterShape: shape4(filter, 'filter'),
    dyShape: shape4(dy, 'dy'),
  };
  return { dy, filter, ...readForwardConv(r, attrs, shapes, depthwise) };
};

/** Reads a filter-gradient call (inputs x and dy, attribute filterShape): Conv2DBackpropFilter and its depthwise twin. */
export const readFilterGradientCall = (
  args: KernelArgs,
  kernelName: string,
  depthwise: boolean,
): FilterGradientCall => {
  const { r, attrs, a: x, b: dy } = readOperands(args, kernelName, 'x', 'dy');
  const shapes = { inShape: shape4(x, 'x'), dyShape: shape4(dy, 'dy'), filterShape: readShape4(attrs, 'filterShape') };
  return { x, dy, ...readForwardConv(r, attrs, shapes, depthwise) };
};
