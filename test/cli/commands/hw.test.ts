// Tests of `cosearch hw`: the command module run in-process through yargs, on the example candidate files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hwCommand } from '../../../src/cli/commands/hw.js';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../../examples/candidates/${name}`, import.meta.url));

const runHw = async (args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.exitCode = undefined;
  await yargs(['hw', ...args])
    .command(hwCommand)
    .strict()
    .exitProcess(false)
    .parseAsync();
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
};

afterEach(() => vi.restoreAllMocks());

describe('cosearch hw', () => {
  it('prints one JSON object with luts, throughput, feasible and layers', async () => {
    const { out, exitCode } = await runHw([
      '--candidate',
      example('finn-cnv-w1a1.json'),
      '--min-fps',
      '3000',
      '--json',
    ]);
    const json = JSON.parse(out) as { luts: number; throughput: number; feasible: boolean; layers: unknown[] };
    expect(exitCode).toBe(0);
    expect(json.feasible).toBe(true);
    expect(json.layers).toHaveLength(9);
    expect(Math.round(json.throughput)).toBe(3052);
    expect(json.luts).toBeGreaterThan(20_000);
  });

  it('reports an infeasible design on the 30k device with the LUT violation in the table', async () => {
    const { out } = await runHw(['--candidate', example('reference-8bit.json'), '--device', '30k']);
    expect(out).toContain('feasible: no');
    expect(out).toMatch(/violates luts: limit 30000/);
    expect(out).toContain('<- bottleneck');
  });

  it('auto-folds to the fps target and returns the folded candidate', async () => {
    const { out } = await runHw([
      '--candidate',
      example('reference-8bit.json'),
      '--device',
      '30k',
      '--auto-fold',
      '--min-fps',
      '1000',
      '--json',
    ]);
    const json = JSON.parse(out) as {
      throughput: number;
      candidate: { layers: { pe: number }[] };
      autoFold: { reachable: boolean };
    };
    expect(json.autoFold.reachable).toBe(true);
    expect(json.throughput).toBeGreaterThanOrEqual(1000);
    expect(json.candidate.layers).toHaveLength(4);
  });

  it('exits with code 2 and a BAD_USER_INPUT message for an invalid candidate file', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'cosearch-hw-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        input: { height: 32, width: 32, channels: 3, bits: 8 },
        layers: [{ kind: 'dense', units: 10, weightBits: 0, activationBits: 8, pe: 1, simd: 1 }],
      }),
    );
    const { err, exitCode } = await runHw(['--candidate', file]);
    expect(exitCode).toBe(2);
    expect(err).toMatch(/BAD_USER_INPUT: .*layers\[0\]\.weightBits: expects an integer from 1 to 16, but got 0/);
  });
});

describe('cosearch hw validate', () => {
  it('prints measured, fitted-on-all and held-out LUTs with errors for every published design', async () => {
    const { out, exitCode } = await runHw(['validate']);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/leave-one-group-out validation of 8 published designs/);
    expect(out).toMatch(/bnn-pynq-lfc-w1a2\s+full\s+48981/);
    expect(out).toMatch(/held-out LUT error: median \|e\| [\d.]+ %/);
  });

  it('prints one JSON object with the rows, the fitted coefficients and the violations', async () => {
    const { out } = await runHw(['validate', '--json']);
    const json = JSON.parse(out) as {
      rows: { id: string; heldOutLutErrorPct: number }[];
      coefficients: Record<string, number>;
      violations: unknown[];
    };
    expect(json.rows).toHaveLength(8);
    expect(Object.keys(json.coefficients).sort()).toEqual([
      'adderLutsPerBit',
      'layerControlLuts',
      'layerFifoBram36',
      'shellLuts',
    ]);
    expect(json.violations).toEqual([]);
  });

  it('exits with code 2 for a designs file that is not JSON', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'cosearch-hw-validate-'));
    const file = join(dir, 'designs.json');
    writeFileSync(file, 'not json');
    const { err, exitCode } = await runHw(['validate', '--designs', file]);
    expect(exitCode).toBe(2);
    expect(err).toMatch(/BAD_USER_INPUT: cannot read the designs file/);
  });

  it('exits with code 2 when neither --candidate nor validate is given', async () => {
    const { err, exitCode } = await runHw([]);
    expect(exitCode).toBe(2);
    expect(err).toMatch(/hw expects --candidate/);
  });
});
