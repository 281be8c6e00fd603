// The per-stream sha256 hash chain: canonical JSON, the hash of one event, and a verifier audit can run.
import { createHash } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from './eventStore.js';

/** JSON with object keys sorted at every depth and undefined members dropped: the same value, the same text. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
};

/** What the hash covers: prevHash, id, type, schemaVersion, data and the metadata without `hash`. */
export interface HashInput {
  id: string;
  type: string;
  data: unknown;
  metadata: Omit<EventMetadata, 'hash' | 'upcastedFrom'>;
}

/** sha256 hex over the canonical JSON of [prevHash, id, type, schemaVersion, data, metadata-without-hash]. */
export const computeEventHash = (input: HashInput): string =>
  createHash('sha256')
    .update(canonicalJson([input.metadata.prevHash, input.id, input.type, input.metadata.schemaVersion, input.data, input.metadata]))
    .digest('hex');

export interface HashChainProblem {
  revision: number;
  eventId: string;
  problem: 'hash mismatch' | 'broken link';
}

/**
 * Checks the events of one stream, in revision order from revision 0, and returns every problem found (empty:
 * intact). Events upcasted on read are checked as stored only if read with upcasting off, so they are skipped.
 */
export const verifyHashChain = (events: readonly RecordedEvent[]): HashChainProblem[] => {
  const problems: HashChainProblem[] = [];
  let prevHash = '';
  for (const event of events) {
    const { hash, upcastedFrom, ...rest } = event.metadata;
    if (rest.prevHash !== prevHash) problems.push({ revision: event.revision, eventId: event.id, problem: 'broken link' });
    if (upcastedFrom === undefined && computeEventHash({ id: event.id, type: event.type, data: event.data, metadata: rest }) !== hash) {
      problems.push({ revision: event.revision, eventId: event.id, problem: 'hash mismatch' });
    }
    prevHash = hash;
  }
  return problems;
};
