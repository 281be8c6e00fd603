// Backend-neutral append and read steps: argument checks, catalog validation, the hash chain, and decoding rows.
import { eventCatalog, validateEvent } from '../events/index.js';
import { CosearchError } from '../errors.js';
import type { EventToAppend, ExpectedRevision, RecordedEvent } from './eventStore.js';
import { canonicalJson, hashCanonicalEvent } from './hashChain.js';

/** An event checked against the catalog, not yet placed in a stream. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  /** Canonical JSON of the validated data: what the hash covers and, byte for byte, what the backends store. */
  dataJson: string;
  metadataInput: Record<string, unknown>;
}

/** A prepared event placed at a revision, with its chained metadata as stored text; ready to insert. */
export interface ChainedEvent {
  id: string;
  type: string;
  revision: number;
  schemaVersion: number;
  data: unknown;
  dataJson: string;
  /** The stored metadata: canonical metadata-without-hash with `"hash"` appended as the last member. */
  metadataJson: string;
  hash: string;
}

const fail = (message: string, details?: Record<string, unknown>): never => {
  throw new CosearchError('BAD_USER_INPUT', message, details);
};

/** Checks arguments and validates every event's data against the catalog. Throws before any write. */
export const prepareEvents = (
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): PreparedEvent[] => {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.startsWith('$')) {
    fail(`expected a non-empty stream id not starting with '$', but got ${JSON.stringify(streamId)}`);
  }
  if (!(expected === 'any' || expected === 'no_stream' || (Number.isInteger(expected) && expected >= 0))) {
    fail(`expected expectedRevision 'no_stream', 'any' or an integer >= 0, but got ${JSON.stringify(expected)}`);
  }
  if (!Array.isArray(events)) fail(`expected an array of events to append to '${streamId}', but got ${typeof events}`);
  const seen = new Set<string>();
  return events.map((event, index) => {
    if (typeof event.id !== 'string' || event.id.length === 0)
      fail(`expected events[${index}].id to be a non-empty string (a UUID), but got ${JSON.stringify(event.id)}`);
    if (seen.has(event.id)) fail(`expected unique event ids in one append, but '${event.id}' appears twice`);
    seen.add(event.id);
    const metadata = event.metadata as Partial<EventToAppend['metadata']> | undefined;
    if (typeof metadata?.correlationId !== 'string' || typeof metadata.actor !== 'string') {
      fail(
        `expected events[${index}] (${event.type}) metadata with string correlationId and actor, but got ${JSON.stringify(metadata)}`,
      );
    }
    if (metadata?.causationId !== undefined && typeof metadata.causationId !== 'string') {
      fail(
        `expected events[${index}].metadata.causationId to be a string when present, but got ${typeof metadata.causationId}`,
      );
    }
    const validated = validateEvent(event.type, event.data);
    return {
      id: event.id,
      type: event.type,
      schemaVersion: validated.schemaVersion,
      data: validated.data,
      dataJson: canonicalJson(validated.data),
      metadataInput: { ...event.metadata },
    };
  });
};

/**
 * canonicalJson of the stored metadata without its hash. Metadata holding only the writer's standard keys (nearly
 * all) is written directly in sorted key order; anything else goes through canonicalJson. Both give the same text
 * (test/store/appendPreparation.test.ts); the direct path saves object spreads that cost more than the hash.
 */
const metadataJsonWithoutHash = (
  input: Record<string, unknown>,
  schemaVersion: number,
  recordedAt: string,
  prevHash: string,
): string => {
  for (const key in input) {
    if (key !== 'correlationId' && key !== 'actor' && key !== 'causationId') {
      return canonicalJson({
        ...input,
        correlationId: String(input.correlationId),
        actor: String(input.actor),
        schemaVersion,
        recordedAt,
        prevHash,
      });
    }
  }
  const causation = input.causationId === undefined ? '' : `,"causationId":${JSON.stringify(input.causationId)}`;
  return (
    `{"actor":${JSON.stringify(String(input.actor))}${causation},"correlationId":${JSON.stringify(String(input.correlationId))},` +
    `"prevHash":${JSON.stringify(prevHash)},"recordedAt":${JSON.stringify(recordedAt)},"schemaVersion":${schemaVersion}}`
  );
};

/** Places prepared events after `lastRevision` (-1: new stream) and chains their hashes from `prevHash`. */
export const chainEvents = (
  prepared: readonly PreparedEvent[],
  lastRevision: number,
  prevHash: string,
  recordedAt: string,
): ChainedEvent[] => {
  let previous = prevHash;
  return prepared.map((event, index) => {
    const metadataJson = metadataJsonWithoutHash(event.metadataInput, event.schemaVersion, recordedAt, previous);
    const hash = hashCanonicalEvent(previous, event.id, event.type, event.schemaVersion, event.dataJson, metadataJson);
    previous = hash;
    return {
      id: event.id,
      type: event.type,
      revision: lastRevision + 1 + index,
      schemaVersion: event.schemaVersion,
      data: event.data,
      dataJson: event.dataJson,
      metadataJson: `${metadataJson.slice(0, -1)},"hash":"${hash}"}`,
      hash,
    };
  });
};

/**
 * How a backend checks stored data on read (the `validateOnRead` option):
 * - `'upcast'` (option `true`, the default): rows stored at an older (or newer) schemaVersion than the catalog's go
 *   through the upcasters and the zod schema; rows at the current version are returned as stored, because append
 *   validated exactly that data. Unknown types pass through.
 * - `'strict'` (option `'strict'`): every row is re-validated against the catalog (the session-1 behaviour).
 * - `'off'` (option `false`): rows are returned as stored; no upcasting either.
 */
export type ReadValidation = 'upcast' | 'strict' | 'off';

/** Maps the public `validateOnRead` option to a read mode. @default 'upcast' */
export const readValidationMode = (option: boolean | 'strict' | undefined): ReadValidation =>
  option === 'strict' ? 'strict' : option === false ? 'off' : 'upcast';

/**
 * Validates (and upcasts) a stored row on read as `mode` says. The row comes in backend-neutral form (JSON already
 * parsed) and is updated in place. Unknown types pass through unchanged.
 */
export const decodeRow = (row: RecordedEvent, mode: ReadValidation): RecordedEvent => {
  if (mode === 'off') return row;
  const stored = row.metadata.schemaVersion;
  if (mode === 'upcast') {
    const current = eventCatalog.currentVersion(row.type);
    if (current === undefined || current === stored) return row;
  }
  const validated = validateEvent(row.type, row.data, stored, { allowUnknown: true });
  row.data = validated.data;
  if (validated.upcastedFrom === undefined) return row;
  row.metadata = { ...row.metadata, schemaVersion: validated.schemaVersion, upcastedFrom: validated.upcastedFrom };
  return row;
};

/** Turns the stored events matching an append's ids into its idempotent result, or throws on a partial match. */
export const idempotentResult = (
  streamId: string,
  requested: number,
  existing: ReadonlyArray<{ id: string; streamId: string; revision: number; position: number }>,
): { nextExpectedRevision: number; position: number } | undefined => {
  if (existing.length === 0) return undefined;
  const foreign = existing.find((row) => row.streamId !== streamId);
  if (existing.length !== requested || foreign !== undefined) {
    throw new CosearchError(
      'CONFLICT',
      `expected either none or all of the ${requested} event ids to be stored in '${streamId}', but ${existing.length} are stored` +
        (foreign === undefined ? '' : ` (event '${foreign.id}' is in '${foreign.streamId}')`) +
        '. Retry an append with exactly the same batch, or use fresh ids.',
      { streamId },
    );
  }
  let last = existing[0];
  for (const row of existing) if (last === undefined || row.position > last.position) last = row;
  return { nextExpectedRevision: last?.revision ?? -1, position: last?.position ?? 0 };
};
