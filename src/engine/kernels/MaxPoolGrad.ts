// MaxPoolGrad for wasm as one JS pass over the heap: the argmax of each pooling window (the first maximum, as the
// cpu backend picks it) receives that window's dy. wasm's own kernel was a fifth of a float training step.
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { assertKernelBackend, readPad, readPair, readRoundingMode, shape4 } from './kernelUtils.js';
import { assertHeapBackend, heapF32 } from './wasmHeap.js';

/*
 * For each output position and channel, scan the window in row-major order and keep the first strict maximum;
 * windows that hold only NaN or −∞ have no maximum and pass no gradient (as on cpu). Overlapping windows add up.
 * The channel loop is innermost so that every read and write is contiguous.
 */
const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const b = assertHeapBackend(assertKernelBackend(backend, MaxPoolGrad), MaxPoolGrad);
  const { dy, input } = inputs;
  if (dy === undefined || input === undefined) throw new Error(`${MaxPoolGrad} expects inputs dy and input`);
  const [n, h, w, c] = shape4(input, 'input');
  const info = backend_util.computePool2DInfo(
    [n, h, w, c],
    readPair(attrs, 'filterSize'),
    readPair(attrs, 'strides'),
    1,
    readPad(attrs),
    readRoundingMode(attrs),
  );
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dx = b.makeOutput([n, h, w, c], 'float32');
  const xv = heapF32(b, input);
  const dyv = heapF32(b, dy);
  const dxv = heapF32(b, dx);
  if (
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    2 * outHeight <= h &&
    2 * outWidth <= w
  ) {
    // An odd last row or column lies in no window.
    if (2 * outHeight < h || 2 * outWidth < w) dxv.fill(0);
    pool2x2Grad(xv, dyv, dxv, n, h, w, c, outHeight, outWidth);
    return dx;
  }
  dxv.fill(0);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let bi = 0; bi < n; bi += 1) {
    for (let oy = 0; oy < outHeight; oy += 1) {
      const y0 = Math.max(0, oy * strideHeight - top);
      const y1 = Math.min(h, oy * strideHeight - top + filterHeight);
      for (let ox = 0; ox < outWidth; ox += 1) {
        const x0 = Math.max(0, ox * strideWidth - left);
        const x1 = Math.min(w, ox * strideWidth - left + filterWidth);
        if (y0 >= y1 || x0 >= x1) continue; // a window wholly in the padding has no maximum
        // The first window element seeds the scan (no per-window fill: windows are small and many).
        const first = ((bi * h + y0) * w + x0) * c;
        for (let ch = 0; ch < c; ch += 1) {
          const v = xv[first + ch] ?? Number.NaN;
          const isMax = v > Number.NEGATIVE_INFINITY;
          best[ch] = isMax ? v : Number.NEGATIVE_INFINITY;
          at[ch] = isMax ? first + ch : -1;
        }
        for (let y = y0; y < y1; y += 1) {
          for (let x = y === y0 ? x0 + 1 : x0; x < x1; x += 1) {
            const base = ((bi * h + y) * w + x) * c;
            for (let ch = 0; ch < c; ch += 1) {
              const v = xv[base + ch] ?? Number.NaN;
              if (v > (best[ch] ?? 0)) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((bi * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch += 1) {
          const p = at[ch] ?? -1;
          if (p >= 0) dxv[p] = (dxv[p] ?? 0) + (dyv[dyBase + ch] ?? 0);
        }
      }
    }
  }
  return dx;
};

/*
 * The common 2×2 stride-2 unpadded pool: windows do not overlap, so each window writes its four dx values directly.
 * Branch-free (pooled activations are noise to a branch predictor): six comparisons pick the first maximum in
 * row-major order, as cpu does. A window with a NaN may pass no gradient; NaN activations mean training failed.
 */
const pool2x2Grad = (
  xv: Float32Array,
  dyv: Float32Array,
  dxv: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
): void => {
  const offsets = [0, c, w * c, w * c + c] as const;
  for (let bi = 0; bi < n; bi += 1) {
    for (let oy = 0; oy < oh; oy += 1) {
      for (let ox = 0; ox < ow; ox += 1) {
        const base = ((bi * h + 2 * oy) * w + 2 * ox) * c;
        const dyBase = ((bi * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch += 1) {
          const p = base + ch;
          const v0 = xv[p] ?? 0;
          const v1 = xv[p + offsets[1]] ?? 0;
          const v2 = xv[p + offsets[2]] ?? 0;
          const v3 = xv[p + offsets[3]] ?? 0;
          // Element j is the first maximum when it beats every earlier one strictly and no later one beats it.
          const c01 = +(v1 > v0);
          const c02 = +(v2 > v0);
          const c03 = +(v3 > v0);
          const c12 = +(v2 > v1);
          const c13 = +(v3 > v1);
          const c23 = +(v3 > v2);
          const g = dyv[dyBase + ch] ?? 0;
          dxv[p] = g * ((1 - c01) * (1 - c02) * (1 - c03));
          dxv[p + offsets[1]] = g * (c01 * (1 - c12) * (1 - c13));
          dxv[p + offsets[2]] = g * (c02 * c12 * (1 - c23));
          dxv[p + offsets[3]] = g * (c03 * c13 * c23);
        }
      }
    }
  }
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
