// DepthwiseConv2dNativeBackpropFilter for wasm (which has none): for each filter tap, a strided slice of the
// padded input times dy, summed over batch and space, all in wasm's own Slice/StridedSlice/Multiply/Sum kernels.
import { DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { readFilterGradientCall } from './convGradientCall.js';
import { asInputList } from './kernelUtils.js';

/*
 * dW[a,b,c,m] = Σ_{n,i,j} x[n, i·sh + a·dh − top, j·sw + b·dw − left, c] · dy[n,i,j,c·M + m].
 * Each tap (a, b) is an elementwise product and a reduction: kh·kw passes over tensors of dy's size, which
 * is the depthwise conv's own cost order, so no transposes or matmuls are needed.
 */
const depthwiseBackpropFilter: KernelFunc = (args) => {
  const {
    r,
    x,
    dy,
    inShape: xShape,
    dyShape,
    filterShape,
    strides,
    dilations,
    pads,
  } = readFilterGradientCall(args, DepthwiseConv2dNativeBackpropFilter, true);
  const [n, outHeight, outWidth] = dyShape;
  const [kh, kw, channels, multiplier] = filterShape;
  const spanH = (kh - 1) * dilations[0] + (outHeight - 1) * strides[0] + 1;
  const spanW = (kw - 1) * dilations[1] + (outWidth - 1) * strides[1] + 1;
  const bottom = Math.max(0, spanH - pads.top - xShape[1]);
  const right = Math.max(0, spanW - pads.left - xShape[2]);

  const created: TensorInfo[] = [];
  const xp = r.run(
    'PadV2',
    { x },
    {
      paddings: [
        [0, 0],
        [pads.top, bottom],
        [pads.left, right],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  created.push(xp);
  const dyM = multiplier === 1 ? dy : r.reshape(dy, [n, outHeight, outWidth, channels, multiplier]);
  if (multiplier !== 1) created.push(dyM);
  const taps: TensorInfo[] = [];
  for (let a = 0; a < kh; a += 1) {
    for (let b = 0; b < kw; b += 1) {
      const top = a * dilations[0];
      const left = b * dilations[1];
      const window = r.run(
        'StridedSlice',
        { x: xp },
        {
          begin: [0, top, left, 0],
          end: [n, top + (outHeight - 1) * strides[0] + 1, left + (outWidth - 1) * strides[1] + 1, channels],
          strides: [1, strides[0], strides[1], 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      const windowM = multiplier === 1 ? window : r.reshape(window, [n, outHeight, outWidth, channels, 1]);
      const product = r.run('Multiply', { a: windowM, b: dyM });
      const tap = r.run('Sum', { x: product }, { axis: [0, 1, 2], keepDims: false });
      taps.push(r.reshape(tap, [1, channels * multiplier]));
      r.dispose(window, product, tap);
      if (windowM !== window) r.dispose(windowM);
    }
  }
  const stacked = r.run('Concat', asInputList(taps), { axis: 0 });
  const dw = r.reshape(stacked, filterShape);
  r.dispose(...created, ...taps, stacked);
  return dw;
};

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
};
