// Leave-one-out validation of the FPGA model on the published designs of bench/data/fpga-designs.json: the fitted
// coefficients are refitted without each design's group, and the held-out errors must stay within issue 16's bounds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COEFFICIENTS,
  FITTED_COEFFICIENTS,
  estimateHardware,
  fitLayerFifoBram36,
  parsePublishedDesigns,
  resolveDevice,
  validateLeaveOneOut,
  validationViolations,
  type PublishedDesign,
} from '../../src/hardware/index.js';
import { validateCandidate } from '../../src/space/index.js';

const raw: unknown = JSON.parse(readFileSync(new URL('../../bench/data/fpga-designs.json', import.meta.url), 'utf8'));
const designs = parsePublishedDesigns(raw, validateCandidate);
const validate = (ds: PublishedDesign[]) =>
  validateLeaveOneOut(ds, resolveDevice, DEFAULT_COEFFICIENTS, [...FITTED_COEFFICIENTS]);
const result = validate(designs);
const violations = validationViolations(result);

describe('leave-one-out validation on published designs', () => {
  it('covers at least 8 designs from at least 2 network families, each with its source and commit', () => {
    expect(designs.length).toBeGreaterThanOrEqual(8);
    expect(new Set(designs.map((d) => d.family)).size).toBeGreaterThanOrEqual(2);
    for (const d of designs) {
      expect(d.utilization.repo.length).toBeGreaterThan(0);
      expect(d.utilization.commit.length).toBeGreaterThan(0);
      expect(d.folding.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('prints the validation table', () => {
    console.table(
      result.rows.map((r) => ({
        design: r.id,
        scope: r.scope,
        measured: r.measuredLuts,
        fittedAll: Math.round(r.fittedLuts),
        heldOut: Math.round(r.heldOutLuts),
        heldOutErrPct: r.heldOutLutErrorPct.toFixed(1),
        bram: `${r.predictedBram36.toFixed(1)}/${r.measuredBram36}`,
        fpsErrPct: r.fpsErrorPct?.toFixed(2) ?? '-',
      })),
    );
    expect(result.rows).toHaveLength(designs.length);
  });

  it('keeps every held-out LUT error within 15 % and their median within 8 %', () => {
    expect(violations.filter((v) => v.metric === 'heldOutLuts' || v.metric === 'medianHeldOutLuts')).toEqual([]);
  });

  it('keeps every throughput error within 5 % of the published cycle counts', () => {
    expect(result.rows.some((r) => r.fpsErrorPct !== null)).toBe(true);
    expect(violations.filter((v) => v.metric === 'throughputFps')).toEqual([]);
  });

  it('keeps every BRAM error within 20 %, with layerFifoBram36 refitted without the held-out group', () => {
    expect(violations.filter((v) => v.metric === 'bram36')).toEqual([]);
    expect(new Set(result.rows.map((r) => r.heldOutCoefficients.layerFifoBram36)).size).toBeGreaterThan(1);
  });

  it('fits layerFifoBram36 back from designs whose BRAM the model made with a known value, skipping full devices', () => {
    const known = { ...DEFAULT_COEFFICIENTS, layerFifoBram36: 3 };
    const below = designs.filter((d) => d.measured.bram36 < resolveDevice(d.device).bram36Budget);
    const synthetic = below.map((d) => {
      const t = estimateHardware(
        d.candidate,
        { ...resolveDevice(d.device), bram36Budget: Infinity, coefficients: known },
        { luts: 0, bram36: 0, maxCycles: 0, sumCycles: 0, bottleneckLayer: 0, throughputFps: 0 },
      );
      return { ...d, measured: { ...d.measured, bram36: t.bram36 } };
    });
    // A full device says nothing about the demand: adding one with an absurd figure must not move the fit.
    const full = designs.find((d) => d.measured.bram36 >= resolveDevice(d.device).bram36Budget);
    if (!full) throw new Error('no design fills its device');
    expect(
      fitLayerFifoBram36(
        [...synthetic, { ...full, measured: { ...full.measured, bram36: 10_000 } }],
        resolveDevice,
        DEFAULT_COEFFICIENTS,
      ),
    ).toBeCloseTo(3, 9);
  });

  it('reports a held-out violation when a published LUT figure is off by 30 %', () => {
    const [first, ...rest] = designs;
    if (!first) throw new Error('no designs');
    const skewed = [{ ...first, measured: { ...first.measured, luts: first.measured.luts * 1.3 } }, ...rest];
    expect(validationViolations(validate(skewed)).some((v) => v.id === first.id && v.metric === 'heldOutLuts')).toBe(
      true,
    );
  });

  it('predicts a kernel-scope design without the shell', () => {
    const kernel = result.rows.find((r) => r.scope === 'kernel');
    const full = designs.find((d) => d.scope === 'kernel');
    expect(kernel && full).toBeTruthy();
    if (!kernel || !full) return;
    const withShell = validateLeaveOneOut(
      [{ ...full, scope: 'full' }, ...designs.filter((d) => d !== full)],
      resolveDevice,
      DEFAULT_COEFFICIENTS,
      [...FITTED_COEFFICIENTS],
    );
    expect((withShell.rows[0]?.fittedLuts ?? 0) - kernel.fittedLuts).toBeGreaterThan(1000);
  });

  it('rejects a designs file whose scope is neither full nor kernel, naming the field', () => {
    const bad = { designs: [{ ...(raw as { designs: object[] }).designs[0], scope: 'board' }] };
    expect(() => parsePublishedDesigns(bad, validateCandidate)).toThrow(
      /designs\[0\]\.scope expects 'full' or 'kernel'/,
    );
  });
});
