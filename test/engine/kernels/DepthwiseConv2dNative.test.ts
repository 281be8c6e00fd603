// DepthwiseConv2dNativeBackpropFilter and ...BackpropInput on wasm against the cpu backend (strides, padding,
// dilations, channel multipliers 1 and 2), and finite-difference checks of both gradients.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRng,
  describeCase,
  finiteDifferenceError,
  maxError,
  randomConvCase,
  randomInput,
  runKernelOn,
  setUpBackends,
} from './kernelHarness.js';
import type { ConvCase, KernelInput } from './kernelHarness.js';

/*
 * The cpu backend ignores dilations in these two kernels (tfjs gradients never pass them), so a dilated case is
 * checked against cpu on the equivalent undilated problem: the filter expanded with d − 1 zeros between taps.
 */
const expandedShape = (c: ConvCase): [number, number, number, number] => {
  const [kh, kw, ch, m] = c.filter;
  return [(kh - 1) * c.dilations[0] + 1, (kw - 1) * c.dilations[1] + 1, ch, m];
};

const expandFilter = (c: ConvCase, filter: KernelInput): KernelInput => {
  const [kh, kw, ch, m] = c.filter;
  const shape = expandedShape(c);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const inner = ch * m;
  for (let a = 0; a < kh; a += 1) {
    for (let b = 0; b < kw; b += 1) {
      const from = (a * kw + b) * inner;
      const to = (a * c.dilations[0] * shape[1] + b * c.dilations[1]) * inner;
      values.set(filter.values.subarray(from, from + inner), to);
    }
  }
  return { shape, values };
};

const pickTaps = (c: ConvCase, expanded: Float32Array): Float32Array => {
  const [kh, kw, ch, m] = c.filter;
  const [, ekw] = expandedShape(c);
  const inner = ch * m;
  const out = new Float32Array(kh * kw * inner);
  for (let a = 0; a < kh; a += 1) {
    for (let b = 0; b < kw; b += 1) {
      const from = (a * c.dilations[0] * ekw + b * c.dilations[1]) * inner;
      out.set(expanded.subarray(from, from + inner), (a * kw + b) * inner);
    }
  }
  return out;
};

describe('depthwise conv gradients on wasm', () => {
  beforeAll(setUpBackends);

  it('matches the cpu backend filter gradient on 30 random shapes, dilations included', async () => {
    const rng = createRng(31);
    for (let i = 0; i < 30; i += 1) {
      const c = randomConvCase(rng, true);
      const inputs = { x: randomInput(rng, c.x), dy: randomInput(rng, c.dy) };
      const attrs = { strides: c.strides, pad: c.pad };
      const actual = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, {
        ...attrs,
        dilations: c.dilations,
        filterShape: c.filter,
      });
      const expected = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, {
        ...attrs,
        dilations: [1, 1],
        filterShape: expandedShape(c),
      });
      expect(actual.shape, describeCase(c)).toEqual(c.filter);
      expect(maxError(actual.values, pickTaps(c, expected.values)), describeCase(c)).toBeLessThan(1e-4);
    }
  });

  it('matches the cpu backend input gradient on 30 random shapes, dilations included', async () => {
    const rng = createRng(32);
    for (let i = 0; i < 30; i += 1) {
      const c = randomConvCase(rng, true);
      const dy = randomInput(rng, c.dy);
      const filter = randomInput(rng, c.filter);
      const attrs = { strides: c.strides, pad: c.pad, inputShape: c.x };
      const actual = await runKernelOn(
        'wasm',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        { ...attrs, dilations: c.dilations },
      );
      const expected = await runKernelOn(
        'cpu',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter: expandFilter(c, filter) },
        { ...attrs, dilations: [1, 1] },
      );
      expect(actual.shape, describeCase(c)).toEqual(c.x);
      expect(maxError(actual.values, expected.values), describeCase(c)).toBeLessThan(1e-4);
    }
  });

  it('gives the filter and input gradients that finite differences give on a tiny depthwise conv', async () => {
    const rng = createRng(33);
    const x = randomInput(rng, [2, 5, 5, 2]);
    const weights = randomInput(rng, [3, 3, 2, 2]);
    const mix = randomInput(rng, [2, 3, 3, 4]);
    const forward = (input: tf.Tensor, filter: tf.Tensor): tf.Scalar =>
      tf.tidy(() =>
        tf.sum(
          tf.mul(
            tf.depthwiseConv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 2, 'same'),
            tf.tensor(mix.values, mix.shape),
          ),
        ),
      );
    const filterError = await finiteDifferenceError(weights, (w) => forward(tf.tensor(x.values, x.shape), w));
    const inputError = await finiteDifferenceError(x, (input) =>
      forward(input, tf.tensor(weights.values, weights.shape)),
    );
    expect(filterError).toBeLessThan(2e-2);
    expect(inputError).toBeLessThan(2e-2);
  });
});
