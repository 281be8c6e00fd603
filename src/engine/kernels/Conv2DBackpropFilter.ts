// Conv2DBackpropFilter for wasm (which has none): the filter gradient as one wasm conv2d over batch↔channel
// transposes. x^T [ci,h,w,n] is convolved with dy^T [ho,wo,n,co] used as a filter dilated by the forward stride.
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  assertChannelsLast,
  assertKernelBackend,
  createKernelRunner,
  forwardPadding,
  readPad,
  readRoundingMode,
  readShape4,
  readPair,
  shape4,
  sliceNegativePadding,
} from './kernelUtils.js';

/*
 * dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·sh + a − top, j·sw + b − left, ci] · dy[n,i,j,co]
 * is a stride-1 conv whose "batch" is ci, whose "channels" are n, and whose filter is dy spread over the
 * spatial axes with dilation (sh, sw). Its output [ci, kh, kw, co] is transposed back to [kh, kw, ci, co].
 * design.md measured this at 27–48 ms for the reference layers at batch 64, where im2col (strided slices +
 * batchMatMul on wasm) took 100–400 ms, so this form is kept.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const r = createKernelRunner(assertKernelBackend(backend, Conv2DBackpropFilter));
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error(`${Conv2DBackpropFilter} expects inputs x and dy`);
  assertChannelsLast(attrs, Conv2DBackpropFilter);
  const xShape = shape4(x, 'x');
  const [, outHeight, outWidth] = shape4(dy, 'dy');
  const filterShape = readShape4(attrs, 'filterShape');
  const strides = readPair(attrs, 'strides');
  const [kh, kw] = filterShape;
  const pads = forwardPadding(xShape, filterShape, strides, [1, 1], readPad(attrs), readRoundingMode(attrs), false);
  const [, inHeight, inWidth] = xShape;
  // The padded input must span exactly (kh − 1) + (ho − 1)·sh + 1 rows so that the conv's output is kh tall.
  const bottom = kh + (outHeight - 1) * strides[0] - inHeight - pads.top;
  const right = kw + (outWidth - 1) * strides[1] - inWidth - pads.left;

  const created: TensorInfo[] = [];
  const xT = r.transpose(x, [3, 1, 2, 0]);
  created.push(xT);
  const cut = sliceNegativePadding(r, xT, { top: pads.top, bottom, left: pads.left, right });
  if (cut.sliced) created.push(cut.x);
  const dyT = r.transpose(dy, [1, 2, 0, 3]);
  created.push(dyT);
  const dwT = r.run('Conv2D', { x: cut.x, filter: dyT }, { strides: [1, 1], pad: cut.explicit, dilations: strides, dataFormat: 'NHWC' });
  created.push(dwT);
  const dw = r.transpose(dwT, [1, 2, 0, 3]);
  r.dispose(...created);
  return dw;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
