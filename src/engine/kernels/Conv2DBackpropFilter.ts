// Conv2DBackpropFilter for wasm (which has none): the transposed patch matrix of x, built in one JS pass over the
// heap, times dy in one wasm BatchMatMul, which XNNPACK runs as a fully-connected GEMM.
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { readFilterGradientCall } from './convGradientCall.js';
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

/*
 * Columns of Pᵀ per GEMM (whole images). XNNPACK's fully-connected GEMM does not tile the reduction axis: with all
 * n·ho·wo columns at once, each pass over a dy panel left the cache. Chunks of about 2,048 columns, summed in JS,
 * measured about a quarter faster on the first two reference layers (docs/engine-kernels.md).
 */
const CHUNK_COLUMNS = 2048;

const conv2DBackpropFilter: KernelFunc = (args) => {
  const { r, x, dy, inShape, dyShape, filterShape, strides, pads } = readFilterGradientCall(
    args,
    Conv2DBackpropFilter,
    false,
  );
  const b = assertHeapBackend(r.backend, Conv2DBackpropFilter);
  const [n, h, w, ci] = inShape;
  const [, ho, wo, co] = dyShape;
  const [kh, kw] = filterShape;
  const [sh, sw] = strides;
  const { top, left } = pads;
  const rows = kh * kw * ci;
  const perImage = ho * wo;
  const xv = heapF32(b, x);
  // x as [ci][n][h][w], so that each patch row below copies runs of one channel. Blocks of 64 positions keep
  // both the strided reads and the per-channel writes in L1 (a plain loop took ~6 ns per element on layer 2).
  const xt = channelMajor(ci * n * h * w);
  const plane = n * h * w;
  for (let p0 = 0; p0 < plane; p0 += 64) {
    const p1 = Math.min(plane, p0 + 64);
    for (let c = 0; c < ci; c += 1) {
      const dst = c * plane;
      for (let p = p0; p < p1; p += 1) xt[dst + p] = xv[p * ci + c] ?? 0;
    }
  }
  const dw = b.makeOutput([kh, kw, ci, co], 'float32');
  heapF32(b, dw).fill(0);
  const imagesPerChunk = Math.max(1, Math.floor(CHUNK_COLUMNS / perImage));
  for (let n0 = 0; n0 < n; n0 += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, n - n0);
    const cols = images * perImage;
    const patches = b.makeOutput([1, rows, cols], 'float32');
    const dyChunk = b.makeOutput([1, cols, co], 'float32');
    heapF32(b, dyChunk).set(heapF32(b, dy).subarray(n0 * perImage * co, (n0 + images) * perImage * co));
    fillPatches(heapF32(b, patches), xt, { n, h, w, ci, ho, wo, kh, kw, sh, sw, top, left, n0, images });
    const product = r.run('BatchMatMul', { a: patches, b: dyChunk }, { transposeA: false, transposeB: false });
    const pv = heapF32(b, product);
    const dwv = heapF32(b, dw);
    for (let i = 0; i < rows * co; i += 1) dwv[i] = (dwv[i] ?? 0) + (pv[i] ?? 0);
    r.dispose(patches, dyChunk, product);
  }
  return dw;
};

interface PatchGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  ho: number;
  wo: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  /** First image of the chunk and how many images it holds. */
  n0: number;
  images: number;
}

/** Writes Pᵀ for images [n0, n0 + images): row (a, b, c), column (image, i, j); zeros where the tap is padding. */
const fillPatches = (pv: Float32Array, xt: Float32Array, g: PatchGeometry): void => {
  // Stride 1 with output as wide as the input ('same'): each image's block of valid rows is one shifted run of xt.
  const blockCopy = g.sh === 1 && g.sw === 1 && g.wo === g.w;
  let o = 0;
  for (let a = 0; a < g.kh; a += 1) {
    // Output rows i whose input row i·sh + a − top lies inside [0, h).
    const iLo = Math.min(g.ho, Math.max(0, Math.ceil((g.top - a) / g.sh)));
    const iHi = Math.max(iLo, Math.min(g.ho, Math.floor((g.h - 1 - a + g.top) / g.sh) + 1));
    for (let bb = 0; bb < g.kw; bb += 1) {
      // Output columns j whose input column j·sw + bb − left lies inside [0, w).
      const jLo = Math.min(g.wo, Math.max(0, Math.ceil((g.left - bb) / g.sw)));
      const jHi = Math.max(jLo, Math.min(g.wo, Math.floor((g.w - 1 - bb + g.left) / g.sw) + 1));
      for (let c = 0; c < g.ci; c += 1) {
        for (let bi = g.n0; bi < g.n0 + g.images; bi += 1) {
          const plane = (c * g.n + bi) * g.h;
          pv.fill(0, o, o + iLo * g.wo);
          if (blockCopy && iHi > iLo) {
            // One memcpy of the valid rows (the column shift wraps into neighbouring rows), then zero the wrapped edges.
            const src = (plane + iLo + a - g.top) * g.w + bb - g.left;
            const start = o + iLo * g.wo;
            const length = (iHi - iLo) * g.wo;
            const from = Math.max(0, -src);
            pv.set(xt.subarray(src + from, Math.min(xt.length, src + length)), start + from);
            for (let i = iLo; i < iHi; i += 1) {
              const row = o + i * g.wo;
              for (let j = 0; j < jLo; j += 1) pv[row + j] = 0;
              for (let j = jHi; j < g.wo; j += 1) pv[row + j] = 0;
            }
            pv.fill(0, start + length - Math.max(0, src + length - xt.length), start + length);
          } else {
            for (let i = iLo; i < iHi; i += 1) {
              const row = o + i * g.wo;
              const src = (plane + i * g.sh + a - g.top) * g.w + bb - g.left;
              for (let j = 0; j < jLo; j += 1) pv[row + j] = 0;
              for (let j = jLo; j < jHi; j += 1) pv[row + j] = xt[src + j * g.sw] ?? 0;
              for (let j = jHi; j < g.wo; j += 1) pv[row + j] = 0;
            }
          }
          pv.fill(0, o + iHi * g.wo, o + g.ho * g.wo);
          o += g.ho * g.wo;
        }
      }
    }
  }
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
