// cosearch-blas: OpenBLAS sgemm, NHWC conv2d (im2col / col2im + sgemm), batch-norm training and the PACT quantizer on Float32Arrays, for N-API.
#include <node_api.h>
#include <cblas.h>
#include <cstring>
#include <vector>
#include <string>
#include <cstdint>
#include <cmath>

extern "C" void openblas_set_num_threads(int);
extern "C" char* openblas_get_config(void);
extern "C" char* openblas_get_corename(void);

namespace {

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, nullptr, "cosearch-blas: N-API call failed: " #call); return nullptr; } } while (0)

// Per thread: worker threads each load the addon and call it concurrently.
thread_local std::vector<float> scratch;
float* scratchOf(size_t n) { if (scratch.size() < n) scratch.resize(n); return scratch.data(); }

bool getF32(napi_env env, napi_value v, float** data, size_t* len, const char* what) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) { napi_throw_type_error(env, nullptr, what); return false; }
  napi_typedarray_type type; void* ptr; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, &ab, &off) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, what); return false;
  }
  *data = static_cast<float*>(ptr);
  return true;
}

bool getI(napi_env env, napi_value v, int64_t* out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) { napi_throw_type_error(env, nullptr, "cosearch-blas: expected an integer argument"); return false; }
  return true;
}

// sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc), row major.
napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 13; napi_value a[13];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 13) { napi_throw_error(env, nullptr, "cosearch-blas: sgemm takes 13 arguments"); return nullptr; }
  bool ta, tb; CHECK(napi_get_value_bool(env, a[0], &ta)); CHECK(napi_get_value_bool(env, a[1], &tb));
  int64_t M, N, K, lda, ldb, ldc; double alpha, beta;
  if (!getI(env, a[2], &M) || !getI(env, a[3], &N) || !getI(env, a[4], &K)) return nullptr;
  CHECK(napi_get_value_double(env, a[5], &alpha));
  float *A, *B, *C; size_t la, lb, lc;
  if (!getF32(env, a[6], &A, &la, "cosearch-blas: A must be a Float32Array")) return nullptr;
  if (!getI(env, a[7], &lda)) return nullptr;
  if (!getF32(env, a[8], &B, &lb, "cosearch-blas: B must be a Float32Array")) return nullptr;
  if (!getI(env, a[9], &ldb)) return nullptr;
  CHECK(napi_get_value_double(env, a[10], &beta));
  if (!getF32(env, a[11], &C, &lc, "cosearch-blas: C must be a Float32Array")) return nullptr;
  if (!getI(env, a[12], &ldc)) return nullptr;
  // Bounds: rows x cols of each stored operand with its leading dimension.
  int64_t ar = ta ? K : M, ac = ta ? M : K, br = tb ? N : K, bc = tb ? K : N;
  if (M < 0 || N < 0 || K < 0 || lda < ac || ldb < bc || ldc < N ||
      (ar > 0 && (uint64_t)((ar - 1) * lda + ac) > la) || (br > 0 && (uint64_t)((br - 1) * ldb + bc) > lb) ||
      (M > 0 && (uint64_t)((M - 1) * ldc + N) > lc)) {
    napi_throw_range_error(env, nullptr, "cosearch-blas: sgemm operand sizes do not fit their arrays");
    return nullptr;
  }
  if (M == 0 || N == 0) return nullptr;
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
              (float)alpha, A, (int)lda, B, (int)ldb, (float)beta, C, (int)ldc);
  return nullptr;
}

struct Geo {
  int64_t n, h, w, ci, co, kh, kw, sh, sw, dh, dw, pt, pl, ho, wo;
  int64_t K() const { return kh * kw * ci; }
  int64_t P() const { return n * ho * wo; }
};

// Geometry from an array-like of 15 integers.
bool getGeo(napi_env env, napi_value v, Geo* g) {
  int64_t* f[15] = {&g->n, &g->h, &g->w, &g->ci, &g->co, &g->kh, &g->kw, &g->sh, &g->sw, &g->dh, &g->dw, &g->pt, &g->pl, &g->ho, &g->wo};
  for (uint32_t i = 0; i < 15; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || !getI(env, e, f[i])) return false;
  }
  if (g->n < 1 || g->h < 1 || g->w < 1 || g->ci < 1 || g->co < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 ||
      g->dh < 1 || g->dw < 1 || g->ho < 1 || g->wo < 1 || g->pt < 0 || g->pl < 0) {
    napi_throw_range_error(env, nullptr, "cosearch-blas: bad conv geometry");
    return false;
  }
  return true;
}

// cols[p, (ky, kx, c)] = x[b, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, c] or 0.
void im2col(const float* x, float* cols, const Geo& g) {
  const int64_t K = g.K(), rowTap = g.ci;
  for (int64_t b = 0; b < g.n; b++)
    for (int64_t oy = 0; oy < g.ho; oy++)
      for (int64_t ox = 0; ox < g.wo; ox++) {
        float* row = cols + ((b * g.ho + oy) * g.wo + ox) * K;
        for (int64_t ky = 0; ky < g.kh; ky++) {
          const int64_t iy = oy * g.sh - g.pt + ky * g.dh;
          for (int64_t kx = 0; kx < g.kw; kx++) {
            const int64_t ix = ox * g.sw - g.pl + kx * g.dw;
            float* dst = row + (ky * g.kw + kx) * rowTap;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) std::memset(dst, 0, sizeof(float) * rowTap);
            else std::memcpy(dst, x + ((b * g.h + iy) * g.w + ix) * g.ci, sizeof(float) * rowTap);
          }
        }
      }
}

// dx[b, iy, ix, c] += cols[p, (ky, kx, c)] for every in-bounds tap; dx is zeroed first.
void col2im(const float* cols, float* dx, const Geo& g) {
  const int64_t K = g.K();
  std::memset(dx, 0, sizeof(float) * g.n * g.h * g.w * g.ci);
  for (int64_t b = 0; b < g.n; b++)
    for (int64_t oy = 0; oy < g.ho; oy++)
      for (int64_t ox = 0; ox < g.wo; ox++) {
        const float* row = cols + ((b * g.ho + oy) * g.wo + ox) * K;
        for (int64_t ky = 0; ky < g.kh; ky++) {
          const int64_t iy = oy * g.sh - g.pt + ky * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (int64_t kx = 0; kx < g.kw; kx++) {
            const int64_t ix = ox * g.sw - g.pl + kx * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            const float* src = row + (ky * g.kw + kx) * g.ci;
            float* dst = dx + ((b * g.h + iy) * g.w + ix) * g.ci;
            for (int64_t c = 0; c < g.ci; c++) dst[c] += src[c];
          }
        }
      }
}

bool is1x1Plain(const Geo& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.ho == g.h && g.wo == g.w;
}

// Images per chunk so that a chunk's im2col buffer stays near 8 MiB (cache friendlier, bounded scratch).
int64_t chunkImages(const Geo& g) {
  const int64_t perImage = g.ho * g.wo * g.K();
  int64_t c = (int64_t)(2 * 1024 * 1024) / (perImage > 0 ? perImage : 1);
  if (c < 1) c = 1;
  if (c > g.n) c = g.n;
  return c;
}

// How many floats an operand of the conv holds: the input image (x, dx), the filter (filter, dw) or the output (y, dy).
enum Extent { kImage, kFilter, kOutput };
int64_t extentOf(const Geo& g, Extent e) {
  switch (e) {
    case kImage: return g.n * g.h * g.w * g.ci;
    case kFilter: return g.K() * g.co;
    case kOutput: return g.P() * g.co;
  }
  return 0;
}

// The three conv entry points take (a, b, c, geo): three Float32Arrays, each named and sized by its ConvOperand, and the
// geometry. Every array is checked to hold its extent, in argument order.
struct ConvOperand { const char* name; Extent extent; };
struct ConvArgs { float* p[3]; Geo g; };
bool convArgs(napi_env env, napi_callback_info info, const ConvOperand operands[3], ConvArgs* out) {
  size_t argc = 4; napi_value a[4];
  if (napi_get_cb_info(env, info, &argc, a, nullptr, nullptr) != napi_ok) {
    napi_throw_error(env, nullptr, "cosearch-blas: N-API call failed: napi_get_cb_info"); return false;
  }
  if (argc != 4) { napi_throw_type_error(env, nullptr, "cosearch-blas: expected 3 Float32Arrays and a geometry"); return false; }
  size_t len[3];
  for (int i = 0; i < 3; i++) {
    const std::string what = std::string("cosearch-blas: ") + operands[i].name + " must be a Float32Array";
    if (!getF32(env, a[i], &out->p[i], &len[i], what.c_str())) return false;
  }
  if (!getGeo(env, a[3], &out->g)) return false;
  for (int i = 0; i < 3; i++) {
    if ((int64_t)len[i] < extentOf(out->g, operands[i].extent)) {
      const std::string what = std::string("cosearch-blas: ") + operands[i].name + " too small";
      napi_throw_range_error(env, nullptr, what.c_str());
      return false;
    }
  }
  return true;
}

// Calls body(b0, c, cols) for each chunk of chunkImages(g) images from image b0: c is g narrowed to the chunk's
// images, cols the per-thread im2col scratch sized for a whole chunk.
template <typename Body>
void forEachChunk(const Geo& g, Body body) {
  const int64_t step = chunkImages(g);
  float* cols = scratchOf(step * g.ho * g.wo * g.K());
  for (int64_t b0 = 0; b0 < g.n; b0 += step) {
    Geo c = g; c.n = (b0 + step <= g.n) ? step : g.n - b0;
    body(b0, c, cols);
  }
}

// conv2d(x, filter[kh,kw,ci,co], y, geo): y[P, co] = im2col(x)[P, K] · filter[K, co].
napi_value Conv2d(napi_env env, napi_callback_info info) {
  static const ConvOperand operands[3] = {{"x", kImage}, {"filter", kFilter}, {"y", kOutput}};
  ConvArgs args;
  if (!convArgs(env, info, operands, &args)) return nullptr;
  const float *x = args.p[0], *f = args.p[1]; float* y = args.p[2]; const Geo& g = args.g; const int64_t K = g.K();
  if (is1x1Plain(g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g.P(), (int)g.co, (int)K, 1.f, x, (int)K, f, (int)g.co, 0.f, y, (int)g.co);
    return nullptr;
  }
  forEachChunk(g, [&](int64_t b0, const Geo& c, float* cols) {
    im2col(x + b0 * g.h * g.w * g.ci, cols, c);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)c.P(), (int)g.co, (int)K, 1.f, cols, (int)K, f, (int)g.co,
                0.f, y + b0 * g.ho * g.wo * g.co, (int)g.co);
  });
  return nullptr;
}

// conv2dBackpropInput(dy, filter, dx, geo): cols[P, K] = dy[P, co] · filterᵀ[co, K]; dx = col2im(cols).
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  static const ConvOperand operands[3] = {{"dy", kOutput}, {"filter", kFilter}, {"dx", kImage}};
  ConvArgs args;
  if (!convArgs(env, info, operands, &args)) return nullptr;
  const float *dy = args.p[0], *f = args.p[1]; float* dx = args.p[2]; const Geo& g = args.g; const int64_t K = g.K();
  if (is1x1Plain(g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)g.P(), (int)K, (int)g.co, 1.f, dy, (int)g.co, f, (int)g.co, 0.f, dx, (int)K);
    return nullptr;
  }
  forEachChunk(g, [&](int64_t b0, const Geo& c, float* cols) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)c.P(), (int)K, (int)g.co, 1.f, dy + b0 * g.ho * g.wo * g.co, (int)g.co,
                f, (int)g.co, 0.f, cols, (int)K);
    col2im(cols, dx + b0 * g.h * g.w * g.ci, c);
  });
  return nullptr;
}

// conv2dBackpropFilter(x, dy, dw, geo): dw[K, co] = Σ_chunks im2col(x)ᵀ[K, P] · dy[P, co].
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  static const ConvOperand operands[3] = {{"x", kImage}, {"dy", kOutput}, {"dw", kFilter}};
  ConvArgs args;
  if (!convArgs(env, info, operands, &args)) return nullptr;
  const float *x = args.p[0], *dy = args.p[1]; float* dw = args.p[2]; const Geo& g = args.g; const int64_t K = g.K();
  if (is1x1Plain(g)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)g.co, (int)g.P(), 1.f, x, (int)K, dy, (int)g.co, 0.f, dw, (int)g.co);
    return nullptr;
  }
  forEachChunk(g, [&](int64_t b0, const Geo& c, float* cols) {
    im2col(x + b0 * g.h * g.w * g.ci, cols, c);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)g.co, (int)c.P(), 1.f, cols, (int)K,
                dy + b0 * g.ho * g.wo * g.co, (int)g.co, b0 == 0 ? 0.f : 1.f, dw, (int)g.co);
  });
  return nullptr;
}

// setNumThreads(n)
napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value a[1]; int64_t n;
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 1 || !getI(env, a[0], &n) || n < 1) { if (argc == 1) napi_throw_range_error(env, nullptr, "cosearch-blas: threads must be >= 1"); return nullptr; }
  openblas_set_num_threads((int)n);
  return nullptr;
}

// Batch norm in training mode over NHWC data as `rows` rows of `channels` values (the JS kernels in
// src/engine/kernels/BatchNormTrain.ts do the same arithmetic; float64 accumulators per channel).
// batchNormTrain(x, gamma, beta, y, mean, variance, rows, channels, epsilon)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value a[9];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 9) { napi_throw_error(env, nullptr, "cosearch-blas: batchNormTrain takes 9 arguments"); return nullptr; }
  float *x, *g, *b, *y, *mean, *var; size_t lx, lg, lb, ly, lm, lv;
  if (!getF32(env, a[0], &x, &lx, "cosearch-blas: x must be a Float32Array") || !getF32(env, a[1], &g, &lg, "cosearch-blas: gamma must be a Float32Array") ||
      !getF32(env, a[2], &b, &lb, "cosearch-blas: beta must be a Float32Array") || !getF32(env, a[3], &y, &ly, "cosearch-blas: y must be a Float32Array") ||
      !getF32(env, a[4], &mean, &lm, "cosearch-blas: mean must be a Float32Array") || !getF32(env, a[5], &var, &lv, "cosearch-blas: variance must be a Float32Array")) return nullptr;
  int64_t rows, ch; double eps;
  if (!getI(env, a[6], &rows) || !getI(env, a[7], &ch)) return nullptr;
  CHECK(napi_get_value_double(env, a[8], &eps));
  if (rows < 1 || ch < 1 || (uint64_t)(rows * ch) > lx || (uint64_t)(rows * ch) > ly || (uint64_t)ch > lg || (uint64_t)ch > lb || (uint64_t)ch > lm || (uint64_t)ch > lv) {
    napi_throw_range_error(env, nullptr, "cosearch-blas: batchNormTrain sizes do not fit their arrays"); return nullptr;
  }
  std::vector<double> shift(ch), sum(ch, 0.0), sq(ch, 0.0), scale(ch), offset(ch);
  for (int64_t c = 0; c < ch; c++) shift[c] = x[c];
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * ch;
    for (int64_t c = 0; c < ch; c++) { double d = (double)xr[c] - shift[c]; sum[c] += d; sq[c] += d * d; }
  }
  for (int64_t c = 0; c < ch; c++) {
    float m = (float)(shift[c] + sum[c] / rows);
    double mu = sum[c] / rows;
    double v = sq[c] / rows - mu * mu;
    float vf = (float)(v < 0 ? 0 : v);
    mean[c] = m; var[c] = vf;
    scale[c] = (double)g[c] / std::sqrt((double)vf + eps);
    offset[c] = (double)b[c] - (double)m * scale[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * ch; float* yr = y + r * ch;
    for (int64_t c = 0; c < ch; c++) yr[c] = (float)((double)xr[c] * scale[c] + offset[c]);
  }
  return nullptr;
}

// batchNormTrainGrad(dy, x, gamma, mean, variance, dx, dGamma, dBeta, rows, channels, epsilon)
napi_value BatchNormTrainGrad(napi_env env, napi_callback_info info) {
  size_t argc = 11; napi_value a[11];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 11) { napi_throw_error(env, nullptr, "cosearch-blas: batchNormTrainGrad takes 11 arguments"); return nullptr; }
  float *dy, *x, *g, *mean, *var, *dx, *dg, *db; size_t ldy, lx, lg, lm, lv, ldx, ldg, ldb;
  if (!getF32(env, a[0], &dy, &ldy, "cosearch-blas: dy must be a Float32Array") || !getF32(env, a[1], &x, &lx, "cosearch-blas: x must be a Float32Array") ||
      !getF32(env, a[2], &g, &lg, "cosearch-blas: gamma must be a Float32Array") || !getF32(env, a[3], &mean, &lm, "cosearch-blas: mean must be a Float32Array") ||
      !getF32(env, a[4], &var, &lv, "cosearch-blas: variance must be a Float32Array") || !getF32(env, a[5], &dx, &ldx, "cosearch-blas: dx must be a Float32Array") ||
      !getF32(env, a[6], &dg, &ldg, "cosearch-blas: dGamma must be a Float32Array") || !getF32(env, a[7], &db, &ldb, "cosearch-blas: dBeta must be a Float32Array")) return nullptr;
  int64_t rows, ch; double eps;
  if (!getI(env, a[8], &rows) || !getI(env, a[9], &ch)) return nullptr;
  CHECK(napi_get_value_double(env, a[10], &eps));
  uint64_t n = (uint64_t)(rows * ch);
  if (rows < 1 || ch < 1 || n > ldy || n > lx || n > ldx || (uint64_t)ch > lg || (uint64_t)ch > lm || (uint64_t)ch > lv || (uint64_t)ch > ldg || (uint64_t)ch > ldb) {
    napi_throw_range_error(env, nullptr, "cosearch-blas: batchNormTrainGrad sizes do not fit their arrays"); return nullptr;
  }
  std::vector<double> inv(ch), sDy(ch, 0.0), sDyX(ch, 0.0), ka(ch), kb(ch), kd(ch);
  for (int64_t c = 0; c < ch; c++) inv[c] = 1.0 / std::sqrt((double)var[c] + eps);
  for (int64_t r = 0; r < rows; r++) {
    const float* gr = dy + r * ch; const float* xr = x + r * ch;
    for (int64_t c = 0; c < ch; c++) { double gv = gr[c]; sDy[c] += gv; sDyX[c] += gv * (double)xr[c]; }
  }
  for (int64_t c = 0; c < ch; c++) {
    double sHat = (sDyX[c] - (double)mean[c] * sDy[c]) * inv[c];
    ka[c] = (double)g[c] * inv[c];
    kb[c] = -ka[c] * inv[c] * sHat / rows;
    kd[c] = -ka[c] * sDy[c] / rows - kb[c] * (double)mean[c];
    dg[c] = (float)sHat; db[c] = (float)sDy[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float* gr = dy + r * ch; const float* xr = x + r * ch; float* dr = dx + r * ch;
    for (int64_t c = 0; c < ch; c++) dr[c] = (float)(ka[c] * (double)gr[c] + kb[c] * (double)xr[c] + kd[c]);
  }
  return nullptr;
}

// PACT activation quantizer (src/engine/quant/fusedKernels.ts has the reference JS loops; these give the same
// float32 results bit for bit: one f32 division, round half to even, a branch-free clamp, one f32 product).
// pactQuant(x, y, clip, levels)
// Round half to even as the JS loops do it: (t + 1.5·2^52) − 1.5·2^52 in double, exact for |t| < 2^51 (and the
// clamp after it maps larger ones to the same bound). std::nearbyint is a library call per element here.
inline double roundHalfEven(double t) { constexpr double big = 6755399441055744.0; return (t + big) - big; }  // no -ffast-math: kept as written

napi_value PactQuant(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value a[4];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 4) { napi_throw_error(env, nullptr, "cosearch-blas: pactQuant takes 4 arguments"); return nullptr; }
  float *x, *y; size_t lx, ly; double clip, levels;
  if (!getF32(env, a[0], &x, &lx, "cosearch-blas: x must be a Float32Array") || !getF32(env, a[1], &y, &ly, "cosearch-blas: y must be a Float32Array")) return nullptr;
  CHECK(napi_get_value_double(env, a[2], &clip)); CHECK(napi_get_value_double(env, a[3], &levels));
  if (ly < lx || !(levels >= 2)) { napi_throw_range_error(env, nullptr, "cosearch-blas: pactQuant needs y as long as x and levels >= 2"); return nullptr; }
  const double top = levels - 1;
  const float step = (float)((double)(float)clip / top);
  const float* __restrict xs = x;
  float* __restrict ys = y;
  for (size_t i = 0; i < lx; i++) {
    const double r = roundHalfEven((double)(xs[i] / step));
    // the JS loops' branch-free clamp, as selects: the bound for finite r; for ±∞ and NaN, r − r is the same NaN
    // (sign included) that 0·∞ and NaN propagation give there.
    const double c = r < 0 ? 0 : (r > top ? top : r);
    const double nonFinite = r - r;
    ys[i] = (float)((nonFinite == 0 ? c : nonFinite) * (double)step);
  }
  return nullptr;
}

// pactQuantGrad(dy, x, dx, clip, gradScale) -> dAlpha (a number: gradScale · Σ dy over x > clip, in float32)
napi_value PactQuantGrad(napi_env env, napi_callback_info info) {
  size_t argc = 5; napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  if (argc != 5) { napi_throw_error(env, nullptr, "cosearch-blas: pactQuantGrad takes 5 arguments"); return nullptr; }
  float *dy, *x, *dx; size_t ldy, lx, ldx; double clip, gradScale;
  if (!getF32(env, a[0], &dy, &ldy, "cosearch-blas: dy must be a Float32Array") || !getF32(env, a[1], &x, &lx, "cosearch-blas: x must be a Float32Array") ||
      !getF32(env, a[2], &dx, &ldx, "cosearch-blas: dx must be a Float32Array")) return nullptr;
  CHECK(napi_get_value_double(env, a[3], &clip)); CHECK(napi_get_value_double(env, a[4], &gradScale));
  if (ldy < lx || ldx < lx) { napi_throw_range_error(env, nullptr, "cosearch-blas: pactQuantGrad needs dy and dx as long as x"); return nullptr; }
  const double c = (double)(float)clip;
  const float* __restrict xs = x;
  const float* __restrict gs = dy;
  float* __restrict ds = dx;
  // dx = dy·[0 ≤ x ≤ α] in float (a product with 0 or 1 is exact, so the same as the JS double product rounded).
  for (size_t i = 0; i < lx; i++) ds[i] = gs[i] * (float)((double)(xs[i] >= 0) - (double)(xs[i] > c));
  // dα's sum in JS order (a double sum is not reassociated), kept apart so the loop above vectorizes.
  double above = 0;
  for (size_t i = 0; i < lx; i++) above += (double)gs[i] * (double)(xs[i] > c);
  napi_value out;
  CHECK(napi_create_double(env, (double)(float)((double)(float)above * (double)(float)gradScale), &out));
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  openblas_set_num_threads(1);
  napi_property_descriptor props[] = {
    {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"setNumThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"batchNormTrain", nullptr, BatchNormTrain, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"batchNormTrainGrad", nullptr, BatchNormTrainGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"pactQuant", nullptr, PactQuant, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"pactQuantGrad", nullptr, PactQuantGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  napi_value cfg;
  std::string s = std::string(openblas_get_config()) + " core=" + openblas_get_corename();
  if (napi_create_string_utf8(env, s.c_str(), s.size(), &cfg) == napi_ok) napi_set_named_property(env, exports, "config", cfg);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
