// Auto-folding: for an architecture with its bits, the cheapest PE × SIMD per layer (fewest LUTs) whose cycles per
// image meet a throughput target. FINN-style divisibility (PE | out channels, SIMD | fan-in) is on by default.
import type { Candidate, Layer } from '../space/index.js';
import type { DevicePreset } from './devices.js';
import { HardwareError } from './hardwareError.js';
import { C_CYCLES, C_LUTS, SCRATCH_SIZE, costLayer } from './lutModel.js';

export interface AutoFoldOptions {
  /** Images per second every layer must sustain. */
  minFps: number;
  /** Require PE to divide the output channels and SIMD the fan-in, as FINN's MVAU does. @default true */
  divisible?: boolean;
}

export interface AutoFoldResult {
  /** The candidate with pe/simd replaced per layer. */
  candidate: Candidate;
  /** False when some layer cannot reach the target even fully unfolded; those layers get maximal folding. */
  reachable: boolean;
  /** Indices of the layers that cannot reach the target. */
  unreachableLayers: number[];
}

const divisorsUpTo = (n: number, divisible: boolean): number[] => {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (!divisible || n % d === 0) out.push(d);
  return out;
};

/** Picks the cheapest folding per layer meeting `minFps` at the device clock. Throws HardwareError on a bad target. */
export const autoFold = (candidate: Candidate, device: DevicePreset, options: AutoFoldOptions): AutoFoldResult => {
  if (!Number.isFinite(options.minFps) || options.minFps <= 0) {
    throw new HardwareError(
      'BAD_USER_INPUT',
      `autoFold expects minFps > 0, but got ${String(options.minFps)}; pass --min-fps N`,
    );
  }
  const divisible = options.divisible ?? true;
  const targetCycles = (device.clockMhz * 1e6) / options.minFps;
  const scratch = new Float64Array(SCRATCH_SIZE);
  const c = device.coefficients;
  const layers: Layer[] = [];
  const unreachable: number[] = [];
  let h = candidate.input.height;
  let w = candidate.input.width;
  let ch = candidate.input.channels;
  let inBits = candidate.input.bits;
  const last = candidate.layers.length - 1;
  candidate.layers.forEach((layer, i) => {
    const outBits = i === last ? 0 : layer.activationBits;
    let k = 0,
      convH = 1,
      convW = 1,
      outC: number,
      fanIn: number,
      pooled = false;
    if (layer.kind === 'conv') {
      k = layer.kernelSize;
      convH = Math.max(
        1,
        layer.padding === 'same' ? Math.ceil(h / layer.stride) : Math.floor((h - k) / layer.stride) + 1,
      );
      convW = Math.max(
        1,
        layer.padding === 'same' ? Math.ceil(w / layer.stride) : Math.floor((w - k) / layer.stride) + 1,
      );
      outC = layer.filters;
      fanIn = k * k * ch;
      pooled = layer.maxPool !== undefined;
    } else {
      outC = layer.units;
      fanIn = h * w * ch;
    }
    let best = { pe: outC, simd: fanIn, luts: Infinity, lanes: Infinity };
    const simds = divisorsUpTo(fanIn, divisible);
    for (const pe of divisorsUpTo(outC, divisible)) {
      // The smallest SIMD meeting the target for this PE: larger SIMDs only add lanes.
      const foldsAllowed = Math.floor(targetCycles / (convH * convW * Math.ceil(outC / pe)));
      if (foldsAllowed < 1) continue;
      const minSimd = Math.ceil(fanIn / foldsAllowed);
      const simd = simds.find((d) => d >= minSimd);
      if (simd === undefined) continue;
      costLayer(
        scratch,
        c,
        k,
        layer.kind === 'conv' ? layer.stride : 1,
        w,
        ch,
        convH,
        convW,
        outC,
        fanIn,
        pooled,
        layer.weightBits,
        inBits,
        outBits,
        pe,
        simd,
      );
      if ((scratch[C_CYCLES] ?? Infinity) > targetCycles) continue;
      const luts = scratch[C_LUTS] ?? Infinity;
      if (luts < best.luts || (luts === best.luts && pe * simd < best.lanes))
        best = { pe, simd, luts, lanes: pe * simd };
    }
    if (best.luts === Infinity) unreachable.push(i);
    layers.push({ ...layer, pe: best.pe, simd: best.simd });
    if (layer.kind === 'conv') {
      const mp = layer.maxPool;
      h = mp ? Math.max(1, Math.floor((convH - mp.size) / mp.stride) + 1) : convH;
      w = mp ? Math.max(1, Math.floor((convW - mp.size) / mp.stride) + 1) : convW;
      ch = layer.filters;
    } else {
      h = 1;
      w = 1;
      ch = layer.units;
    }
    inBits = layer.activationBits;
  });
  return {
    candidate: { input: { ...candidate.input }, layers },
    reachable: unreachable.length === 0,
    unreachableLayers: unreachable,
  };
};
