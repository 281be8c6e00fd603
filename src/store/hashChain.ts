// The per-stream sha256 hash chain: canonical JSON, the hash of one event, and a verifier audit can run.
import { hash } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from './eventStore.js';

const SAFE_KEY = /^[A-Za-z0-9_$.-]*$/;

/**
 * JSON with object keys sorted at every depth and undefined members dropped: the same value, the same text.
 * Written as one string-building pass because it runs for every appended event (see bench/store.ts).
 */
export const canonicalJson = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) text += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    if (text.length > 1) text += ',';
    // Plain identifiers need no escaping; JSON.stringify on every key was a third of the cost.
    text += (SAFE_KEY.test(key) ? '"' + key + '"' : JSON.stringify(key)) + ':' + canonicalJson(member);
  }
  return text + '}';
};

/** What the hash covers: prevHash, id, type, schemaVersion, data and the metadata without `hash`. */
export interface HashInput {
  id: string;
  type: string;
  data: unknown;
  metadata: Omit<EventMetadata, 'hash' | 'upcastedFrom'>;
}

/**
 * The chain hash from its parts, the JSON ones already canonical: sha256 hex over prevHash, id, type, schemaVersion,
 * canonical data and canonical metadata-without-hash, joined by newlines (ids and types hold no newline; the JSON
 * parts escape theirs). Append calls this directly with the canonical text it also stores.
 */
export const hashCanonicalEvent = (
  prevHash: string,
  id: string,
  type: string,
  schemaVersion: number,
  dataJson: string,
  metadataJsonWithoutHash: string,
): string =>
  hash('sha256', `${prevHash}\n${id}\n${type}\n${schemaVersion}\n${dataJson}\n${metadataJsonWithoutHash}`, 'hex');

/** sha256 hex of one event (see hashCanonicalEvent); audit and verifyHashChain recompute hashes with it. */
export const computeEventHash = (input: HashInput): string =>
  hashCanonicalEvent(
    input.metadata.prevHash,
    input.id,
    input.type,
    input.metadata.schemaVersion,
    canonicalJson(input.data),
    canonicalJson(input.metadata),
  );

/**
 * The seal of an event: sha256 hex over the previous event's seal ('' at the start, or when the previous event was
 * written before seals existed), the event's global position and its chain hash. The seal chain covers what the hash
 * chain cannot: where in `$all` each event sits, so the last seal of a stream is a receipt for its content and order.
 */
export const sealPosition = (prevSeal: string, position: number, eventHash: string): string =>
  hash('sha256', `cosearch-seal\n${prevSeal}\n${position}\n${eventHash}`, 'hex');

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
    if (rest.prevHash !== prevHash)
      problems.push({ revision: event.revision, eventId: event.id, problem: 'broken link' });
    if (
      upcastedFrom === undefined &&
      computeEventHash({ id: event.id, type: event.type, data: event.data, metadata: rest }) !== hash
    ) {
      problems.push({ revision: event.revision, eventId: event.id, problem: 'hash mismatch' });
    }
    prevHash = hash;
  }
  return problems;
};
