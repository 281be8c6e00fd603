// DepthwiseConv2dNativeBackpropInput for wasm (which has none): dx as wasm's depthwise conv of the zero-dilated
// dy with the spatially flipped filter, one depthwise conv per channel multiplier, summed.
import { DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
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
 * dx[n,p,q,c] = Σ_{a,b,m} dy~[n, p + top − a·dh, q + left − b·dw, c·M + m] · w[a,b,c,m], with dy~ zero-dilated
 * by the stride. Per multiplier m that is a depthwise correlation with the flipped filter, dilation (dh, dw),
 * padded by (kh − 1)·dh − top before and h − len(dy~) + top after.
 */
const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const name = DepthwiseConv2dNativeBackpropInput;
  const r = createKernelRunner(assertKernelBackend(backend, name));
  const { dy, filter } = inputs;
  if (dy === undefined || filter === undefined) throw new Error(`${name} expects inputs dy and filter`);
  assertChannelsLast(attrs, name);
  const inShape = readShape4(attrs, 'inputShape');
  const filterShape = shape4(filter, 'filter');
  const [kh, kw, channels, multiplier] = filterShape;
  const strides = readPair(attrs, 'strides');
  const dilations = readPair(attrs, 'dilations', 1);
  const pads = forwardPadding(inShape, filterShape, strides, dilations, readPad(attrs), readRoundingMode(attrs), true);

  const created: TensorInfo[] = [];
  const dyD = dilateSpatial(r, dy, strides);
  created.push(dyD);
  const [n, dilatedHeight, dilatedWidth] = shape4(dyD, 'dy');
  const cut = sliceNegativePadding(r, dyD, {
    top: (kh - 1) * dilations[0] - pads.top,
    bottom: inShape[1] - dilatedHeight + pads.top,
    left: (kw - 1) * dilations[1] - pads.left,
    right: inShape[2] - dilatedWidth + pads.left,
  });
  if (cut.sliced) created.push(cut.x);
  const flipped = r.run('Reverse', { x: filter }, { dims: [0, 1] });
  created.push(flipped);
  const convAttrs = { strides: [1, 1], pad: cut.explicit, dilations, dataFormat: 'NHWC' };
  if (multiplier === 1) {
    const dx = r.run('DepthwiseConv2dNative', { x: cut.x, filter: flipped }, convAttrs);
    r.dispose(...created);
    return dx;
  }
  const [, height, width] = shape4(cut.x, 'dy');
  let sum: TensorInfo | undefined;
  for (let m = 0; m < multiplier; m += 1) {
    const dyPart = r.run('StridedSlice', { x: cut.x }, {
      begin: [0, 0, 0, m], end: [n, height, width, channels * multiplier], strides: [1, 1, 1, multiplier],
      beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
    const filterPart = r.run('Slice', { x: flipped }, { begin: [0, 0, 0, m], size: [kh, kw, channels, 1] });
    const part = r.run('DepthwiseConv2dNative', { x: dyPart, filter: filterPart }, convAttrs);
    r.dispose(dyPart, filterPart);
    if (sum === undefined) {
      sum = part;
    } else {
      const next = r.run('Add', { a: sum, b: part });
      r.dispose(sum, part);
      sum = next;
    }
  }
  r.dispose(...created);
  if (sum === undefined) throw new Error(`${name} expects a channel multiplier >= 1, but got ${multiplier}`);
  return sum;
};

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};
