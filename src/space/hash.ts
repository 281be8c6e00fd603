// Stable content hash of a candidate: sha256 of its canonical JSON (keys sorted, undefined dropped), so the same
// network hashes the same whatever the key order it arrived in.
import { createHash } from 'node:crypto';
import type { Candidate } from './candidate.js';

/** JSON with object keys sorted recursively and undefined members dropped. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

/** Hex sha256 of the candidate's canonical JSON. Pure computation: no I/O. */
export const candidateHash = (candidate: Candidate): string =>
  createHash('sha256').update(canonicalJson(candidate)).digest('hex');
