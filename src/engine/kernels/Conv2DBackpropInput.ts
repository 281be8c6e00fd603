// Conv2DBackpropInput for wasm: dx as a wasm conv2d of dy (zero-dilated by the forward stride) with the filter
// flipped in space and its in/out channels swapped. Replaces wasm's own kernel, which is ~9× slower than a conv.
import { Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { readInputGradientCall } from './convGradientCall.js';
import { createTransposedConvOperands } from './transposedConvOperands.js';

// The flipped filter's in/out channels are swapped as well, so that the conv maps dy's channels back to x's.
const conv2DBackpropInput: KernelFunc = (args) => {
  const call = readInputGradientCall(args, Conv2DBackpropInput, false);
  const { r } = call;
  const { dy, explicit, flipped, created } = createTransposedConvOperands(call);
  const swapped = r.transpose(flipped, [0, 1, 3, 2]);
  created.push(swapped);
  const dx = r.run(
    'Conv2D',
    { x: dy, filter: swapped },
    { strides: [1, 1], pad: explicit, dilations: [1, 1], dataFormat: 'NHWC' },
  );
  r.dispose(...created);
  return dx;
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
