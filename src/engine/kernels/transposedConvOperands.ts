// The operands of an input gradient computed as a forward conv: dy zero-dilated by the stride and cut where
// its padding would be negative, and the filter flipped in space. Shared by Conv2DBackpropInput and its depthwise twin.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { dilateSpatial, shape4, sliceNegativePadding } from './kernelUtils.js';
import type { ExplicitPad } from './kernelUtils.js';
import type { InputGradientCall } from './convGradientCall.js';

export interface TransposedConvOperands {
  /** dy~, ready to convolve: dilated by the stride, with negative padding sliced off. */
  dy: TensorInfo;
  /** The padding left for the conv (all amounts ≥ 0). */
  explicit: ExplicitPad;
  /** The filter reversed along its two spatial axes. */
  flipped: TensorInfo;
  /** Every tensor made here (dy and flipped among them): the caller disposes them after its conv. */
  created: TensorInfo[];
}

/*
 * dx[p] = Σ_a dy~[p + top − a·d] · w[a]. Substituting b = kh − 1 − a makes it a correlation of dy~ with the
 * flipped filter at the same dilation d, padded by (kh − 1)·d − top before and h − len(dy~) + top after.
 */
export const createTransposedConvOperands = (call: InputGradientCall): TransposedConvOperands => {
  const { r, inShape, filterShape, strides, dilations, pads } = call;
  const [kh, kw] = filterShape;
  const created: TensorInfo[] = [];
  const dyD = dilateSpatial(r, call.dy, strides);
  created.push(dyD);
  const [, dilatedHeight, dilatedWidth] = shape4(dyD, 'dy');
  const cut = sliceNegativePadding(r, dyD, {
    top: (kh - 1) * dilations[0] - pads.top,
    bottom: inShape[1] - dilatedHeight + pads.top,
    left: (kw - 1) * dilations[1] - pads.left,
    right: inShape[2] - dilatedWidth + pads.left,
  });
  if (cut.sliced) created.push(cut.x);
  const flipped = r.run('Reverse', { x: call.filter }, { dims: [0, 1] });
  created.push(flipped);
  return { dy: cut.x, explicit: cut.explicit, flipped, created };
};
