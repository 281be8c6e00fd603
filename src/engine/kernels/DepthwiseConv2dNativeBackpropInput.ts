// DepthwiseConv2dNativeBackpropInput for wasm (which has none): dx as wasm's depthwise conv of the zero-dilated
// dy with the spatially flipped filter, one depthwise conv per channel multiplier, summed.
import { DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { readInputGradientCall } from './convGradientCall.js';
import { shape4 } from './kernelUtils.js';
import { createTransposedConvOperands } from './transposedConvOperands.js';

/*
 * dx[n,p,q,c] = Σ_{a,b,m} dy~[n, p + top − a·dh, q + left − b·dw, c·M + m] · w[a,b,c,m], with dy~ zero-dilated
 * by the stride. Per multiplier m that is a depthwise correlation with the flipped filter at dilation (dh, dw).
 */
const depthwiseBackpropInput: KernelFunc = (args) => {
  const name = DepthwiseConv2dNativeBackpropInput;
  const call = readInputGradientCall(args, name, true);
  const { r, dilations } = call;
  const [kh, kw, channels, multiplier] = call.filterShape;
  const { dy: dyCut, explicit, flipped, created } = createTransposedConvOperands(call);
  const convAttrs = { strides: [1, 1], pad: explicit, dilations, dataFormat: 'NHWC' };
  if (multiplier === 1) {
    const dx = r.run('DepthwiseConv2dNative', { x: dyCut, filter: flipped }, convAttrs);
    r.dispose(...created);
    return dx;
  }
  const [n, height, width] = shape4(dyCut, 'dy');
  let sum: TensorInfo | undefined;
  for (let m = 0; m < multiplier; m += 1) {
    const dyPart = r.run(
      'StridedSlice',
      { x: dyCut },
      {
        begin: [0, 0, 0, m],
        end: [n, height, width, channels * multiplier],
        strides: [1, 1, 1, multiplier],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      },
    );
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
