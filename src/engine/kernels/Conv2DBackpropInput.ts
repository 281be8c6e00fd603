// Conv2DBackpropInput for wasm: dx as a wasm conv2d of dy (zero-dilated by the forward stride) with the filter
// flipped in space and its in/out channels swapped. Replaces wasm's own kernel, which is ~9× slower than a conv.
import { Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  assertChannelsLast,
  assertKernelBackend,
  createKernelRunner,
  dilateSpatial,
  forwardPadding,
  readPad,
  readRoundingMode,
  readShape4,
  readPair,
  shape4,
  sliceNegativePadding,
} from './kernelUtils.js';

/*
 * dx[p] = Σ_a dy~[p + top − a] · w[a], where dy~ is dy with stride − 1 zeros after each element. Substituting
 * b = kh − 1 − a makes it a correlation of dy~ with the flipped filter, padded by kh − 1 − top before and
 * h − len(dy~) + top after (negative amounts are sliced off instead).
 */
const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const r = createKernelRunner(assertKernelBackend(backend, Conv2DBackpropInput));
  const { dy, filter } = inputs;
  if (dy === undefined || filter === undefined) throw new Error(`${Conv2DBackpropInput} expects inputs dy and filter`);
  assertChannelsLast(attrs, Conv2DBackpropInput);
  const inShape = readShape4(attrs, 'inputShape');
  const filterShape = shape4(filter, 'filter');
  shape4(dy, 'dy');
  const strides = readPair(attrs, 'strides');
  const [kh, kw] = filterShape;
  const pads = forwardPadding(inShape, filterShape, strides, [1, 1], readPad(attrs), readRoundingMode(attrs), false);

  const created: TensorInfo[] = [];
  const dyD = dilateSpatial(r, dy, strides);
  created.push(dyD);
  const [, dilatedHeight, dilatedWidth] = shape4(dyD, 'dy');
  const [, inHeight, inWidth] = inShape;
  const cut = sliceNegativePadding(r, dyD, {
    top: kh - 1 - pads.top,
    bottom: inHeight - dilatedHeight + pads.top,
    left: kw - 1 - pads.left,
    right: inWidth - dilatedWidth + pads.left,
  });
  if (cut.sliced) created.push(cut.x);
  const flipped = r.run('Reverse', { x: filter }, { dims: [0, 1] });
  created.push(flipped);
  const swapped = r.transpose(flipped, [0, 1, 3, 2]);
  created.push(swapped);
  const dx = r.run('Conv2D', { x: cut.x, filter: swapped }, { strides: [1, 1], pad: cut.explicit, dilations: [1, 1], dataFormat: 'NHWC' });
  r.dispose(...created);
  return dx;
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
