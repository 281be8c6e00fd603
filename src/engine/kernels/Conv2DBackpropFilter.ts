// Conv2DBackpropFilter for wasm (which has none): the transposed patch matrix of x, built in one JS pass over the
// heap, times dy in one wasm BatchMatMul, which XNNPACK runs as a fully-connected GEMM.
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
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
} from './kernelUtils.js';
import { assertHeapBackend, createScratch, heapF32 } from './wasmHeap.js';

/*
 * dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·sh + a − top, j·sw + b − left, ci] · dy[n,i,j,co] = (Pᵀ · dy)[(a,b,ci), co]
 * where Pᵀ has one row per filter tap and input channel and one column per output position (n,i,j); dy viewed as
 * [n·ho·wo, co] is already the right matrix. wasm's BatchMatMul hands a non-transposed batch-1 product to XNNPACK;
 * with transposeA it falls back to a scalar loop, which is why Pᵀ is built transposed rather than P.
 * Measured against the earlier conv over batch↔channel transposes (whose dy-as-filter XNNPACK had to repack on
 * every call): see docs/engine-kernels.md.
 */
const channelMajor = createScratch();

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const kb = assertKernelBackend(backend, Conv2DBackpropFilter);
  const b = assertHeapBackend(kb, Conv2DBackpropFilter);
  const r = createKernelRunner(kb);
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error(`${Conv2DBackpropFilter} expects inputs x and dy`);
  assertChannelsLast(attrs, Conv2DBackpropFilter);
  const [n, h, w, ci] = shape4(x, 'x');
  const [, ho, wo, co] = shape4(dy, 'dy');
  const filterShape = readShape4(attrs, 'filterShape');
  const [sh, sw] = readPair(attrs, 'strides');
  const [kh, kw] = filterShape;
  const { top, left } = forwardPadding([n, h, w, ci], filterShape, [sh, sw], [1, 1], readPad(attrs), readRoundingMode(attrs), false);
  const cols = n * ho * wo;
  const patches = b.makeOutput([1, kh * kw * ci, cols], 'float32');
  const pv = heapF32(b, patches);
  const xv = heapF32(b, x);

  // x as [ci][n][h][w], so that each patch row below copies runs of one channel.
  const xt = channelMajor(ci * n * h * w);
  const plane = n * h * w;
  for (let p = 0; p < plane; p += 1) {
    const src = p * ci;
    for (let c = 0; c < ci; c += 1) xt[c * plane + p] = xv[src + c] ?? 0;
  }
  let o = 0;
  for (let a = 0; a < kh; a += 1) {
    for (let bb = 0; bb < kw; bb += 1) {
      // Output columns j whose input column j·sw + bb − left lies inside [0, w).
      const jLo = Math.min(wo, Math.max(0, Math.ceil((left - bb) / sw)));
      const jHi = Math.max(jLo, Math.min(wo, Math.floor((w - 1 - bb + left) / sw) + 1));
      for (let c = 0; c < ci; c += 1) {
        for (let bi = 0; bi < n; bi += 1) {
          for (let i = 0; i < ho; i += 1) {
            const y = i * sh + a - top;
            if (y < 0 || y >= h) {
              pv.fill(0, o, o + wo);
              o += wo;
              continue;
            }
            const src = ((c * n + bi) * h + y) * w + bb - left;
            for (let j = 0; j < jLo; j += 1) pv[o + j] = 0;
            for (let j = jLo; j < jHi; j += 1) pv[o + j] = xt[src + j * sw] ?? 0;
            for (let j = jHi; j < wo; j += 1) pv[o + j] = 0;
            o += wo;
          }
        }
      }
    }
  }
  const dyMatrix = r.reshape(dy, [1, cols, co]);
  const product = r.run('BatchMatMul', { a: patches, b: dyMatrix }, { transposeA: false, transposeB: false });
  const dw = r.reshape(product, [kh, kw, ci, co]);
  r.dispose(patches, dyMatrix, product);
  return dw;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
