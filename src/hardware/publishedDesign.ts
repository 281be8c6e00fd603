// Published FPGA designs the cost model is validated against: the record type and a parser that checks a parsed
// JSON document (bench/data/fpga-designs.json). Pure: the caller reads the file.
import type { Candidate } from '../space/index.js';
import { HardwareError } from './hardwareError.js';

/** What a published LUT figure counts: the whole Vivado design (accelerator + DMA/AXI shell) or the accelerator alone. */
export type LutScope = 'full' | 'kernel';

/** Where a figure was read: repository, path, commit and a short quote. */
export interface DesignSource {
  repo: string;
  path: string;
  commit: string;
  quote: string;
}

/** One published design, with what was measured and the candidate that describes it. */
export interface PublishedDesign {
  id: string;
  /** Network family (CNV, LFC, ...). */
  family: string;
  /** Designs of one group share network, bits and folding (rebuilds with another tool); leave-one-out holds a group out together. */
  group: string;
  /** Device preset name (src/hardware/devices.ts). */
  device: string;
  clockMhz: number;
  scope: LutScope;
  tool: string;
  measured: { luts: number; bram36: number; ff?: number; dsp?: number; lutram?: number };
  /** Cycles per image of the slowest layer as published by the generator, or null where none was published. */
  referenceMaxCycles: number | null;
  utilization: DesignSource;
  folding: DesignSource;
  candidate: Candidate;
  notes?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const fail = (where: string, expected: string, got: unknown): never => {
  throw new HardwareError(
    'BAD_USER_INPUT',
    `designs file: ${where} expects ${expected}, but got ${JSON.stringify(got)}`,
  );
};

const positive = (obj: Record<string, unknown>, key: string, where: string): number => {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? v
    : fail(`${where}.${key}`, 'a non-negative number', v);
};

const text = (obj: Record<string, unknown>, key: string, where: string): string => {
  const v = obj[key];
  return typeof v === 'string' && v.length > 0 ? v : fail(`${where}.${key}`, 'a non-empty string', v);
};

/**
 * Checks the shape of a designs document (`{designs: [...]}`) and returns its designs. Candidates are checked by
 * the caller with validateCandidate (space owns that check). Throws HardwareError (BAD_USER_INPUT) naming the field.
 */
export const parsePublishedDesigns = (json: unknown, checkCandidate: (c: unknown) => Candidate): PublishedDesign[] => {
  if (!isRecord(json) || !Array.isArray(json.designs)) return fail('the document', '{designs: [...]}', json);
  return json.designs.map((raw: unknown, i): PublishedDesign => {
    const where = `designs[${i}]`;
    if (!isRecord(raw)) return fail(where, 'an object', raw);
    const scope = raw.scope;
    if (scope !== 'full' && scope !== 'kernel') return fail(`${where}.scope`, "'full' or 'kernel'", scope);
    const m = raw.measured;
    if (!isRecord(m)) return fail(`${where}.measured`, 'an object', m);
    const source = (key: string): DesignSource => {
      const s = raw[key];
      if (!isRecord(s)) return fail(`${where}.${key}`, '{repo, path, commit, quote}', s);
      return {
        repo: text(s, 'repo', `${where}.${key}`),
        path: text(s, 'path', `${where}.${key}`),
        commit: text(s, 'commit', `${where}.${key}`),
        quote: text(s, 'quote', `${where}.${key}`),
      };
    };
    const cycles = raw.referenceMaxCycles;
    const optional = (key: string): { [k: string]: number } =>
      m[key] === undefined ? {} : { [key]: positive(m, key, `${where}.measured`) };
    return {
      id: text(raw, 'id', where),
      family: text(raw, 'family', where),
      group: text(raw, 'group', where),
      device: text(raw, 'device', where),
      clockMhz: positive(raw, 'clockMhz', where),
      scope,
      tool: text(raw, 'tool', where),
      measured: {
        luts: positive(m, 'luts', `${where}.measured`),
        bram36: positive(m, 'bram36', `${where}.measured`),
        ...optional('ff'),
        ...optional('dsp'),
        ...optional('lutram'),
      },
      referenceMaxCycles: cycles === null || cycles === undefined ? null : positive(raw, 'referenceMaxCycles', where),
      utilization: source('utilization'),
      folding: source('folding'),
      candidate: checkCandidate(raw.candidate),
      ...(typeof raw.notes === 'string' && raw.notes.length > 0 ? { notes: raw.notes } : {}),
    };
  });
};
