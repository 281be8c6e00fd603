// The one place audit computes an event's chain hash. It defers to the store's computeEventHash, so the
// formula lives in exactly one module (src/store/hashChain.ts); audit never reimplements it.
import type { RecordedEvent } from '../store/index.js';
import { computeEventHash } from '../store/index.js';

/** True when the store upcasted the event on read: its data is no longer what was hashed, so it cannot verify. */
export const wasUpcasted = (event: RecordedEvent): boolean =>
  (event.metadata as { upcastedFrom?: unknown }).upcastedFrom !== undefined;

/** Recomputes the sha256 hash of a recorded event from its content and its recorded prevHash. */
export const recomputeHash = (event: RecordedEvent): string => {
  const { hash: _hash, ...rest } = event.metadata;
  const { upcastedFrom: _upcasted, ...metadata } = rest as typeof rest & { upcastedFrom?: unknown };
  return computeEventHash({ id: event.id, type: event.type, data: event.data, metadata });
};

/** The original chain fields an imported event carries in metadata.imported (see importBundle.ts). */
const importedOrigin = (event: RecordedEvent): { recordedAt: string; hash: string; prevHash: string } | undefined => {
  const imported = (event.metadata as { imported?: unknown }).imported;
  if (typeof imported !== 'object' || imported === null) return undefined;
  const o = imported as Record<string, unknown>;
  if (typeof o.recordedAt !== 'string' || typeof o.hash !== 'string' || typeof o.prevHash !== 'string')
    return undefined;
  return { recordedAt: o.recordedAt, hash: o.hash, prevHash: o.prevHash };
};

/**
 * For an imported event, recomputes the hash it had in the exporting store (same content, original recordedAt and
 * prevHash) and returns both; undefined for events that were not imported.
 */
export const recomputeOriginalHash = (event: RecordedEvent): { recorded: string; recomputed: string } | undefined => {
  const origin = importedOrigin(event);
  if (origin === undefined) return undefined;
  const {
    hash: _hash,
    imported: _imported,
    upcastedFrom: _upcasted,
    ...rest
  } = event.metadata as RecordedEvent['metadata'] & { imported?: unknown };
  const metadata = { ...rest, recordedAt: origin.recordedAt, prevHash: origin.prevHash };
  return {
    recorded: origin.hash,
    recomputed: computeEventHash({ id: event.id, type: event.type, data: event.data, metadata }),
  };
};
