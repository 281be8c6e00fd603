// importBundle: verifies a bundle (events.jsonl sha256, HMAC signature, counts, first/last hash, hash chain) and
// appends its events into a store under the same ids. The store re-chains them; the original recordedAt, hash,
// prevHash and position travel in metadata.imported, and audit re-verifies the original hashes from it.
import { createHash } from 'node:crypto';
import { CosearchError } from '../errors.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../store/index.js';
import type { BundleManifest } from './bundle.js';
import { BUNDLE_FORMAT, readBundleFiles, signatureMatches } from './bundle.js';
import { auditEvents } from './chainAudit.js';

/** Where an imported event came from: kept in its metadata so the original chain stays checkable. */
export interface ImportedOrigin {
  recordedAt: string;
  hash: string;
  prevHash: string;
  position: number;
  bundleSha256: string;
}

export interface ImportOptions {
  /** HMAC key to verify a signed bundle. @default process.env.COSEARCH_BUNDLE_KEY */
  key?: string;
  /** Accept an unsigned bundle even though a key is configured. @default false */
  allowUnsigned?: boolean;
  /** Events per append call. @default 500 */
  batchSize?: number;
}

export interface ImportResult {
  experimentId: string;
  streamId: string;
  events: number;
  signed: boolean;
  manifest: BundleManifest;
}

const refuse = (file: string, why: string): never => {
  throw new CosearchError('BAD_USER_INPUT', `refusing to import ${file}: ${why}`);
};

const parseManifest = (file: string, text: string): BundleManifest => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(file, 'manifest.json is not valid JSON (the bundle is damaged or was edited).');
  }
  const m = value as Partial<BundleManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== BUNDLE_FORMAT || m.formatVersion !== 1) {
    return refuse(
      file,
      `expected a manifest with format '${BUNDLE_FORMAT}' version 1, but got ${JSON.stringify(m?.format)} version ${JSON.stringify(m?.formatVersion)}.`,
    );
  }
  if (
    typeof m.experimentId !== 'string' ||
    typeof m.streamId !== 'string' ||
    typeof m.eventCount !== 'number' ||
    typeof m.eventsSha256 !== 'string'
  ) {
    return refuse(file, 'the manifest lacks experimentId, streamId, eventCount or eventsSha256.');
  }
  return value as BundleManifest;
};

const checkSignature = (file: string, manifest: BundleManifest, options: ImportOptions): boolean => {
  const key = options.key ?? process.env.COSEARCH_BUNDLE_KEY;
  const hasKey = key !== undefined && key !== '';
  if (manifest.signature === undefined) {
    if (hasKey && options.allowUnsigned !== true)
      refuse(file, 'the bundle is unsigned but COSEARCH_BUNDLE_KEY is set; sign it on export or pass allowUnsigned.');
    return false;
  }
  if (!hasKey)
    return refuse(
      file,
      "the bundle is signed; set COSEARCH_BUNDLE_KEY to the exporting installation's key to verify it.",
    );
  if (!signatureMatches(manifest, key))
    refuse(file, 'the manifest signature does not match (wrong COSEARCH_BUNDLE_KEY, or the manifest was edited).');
  return true;
};

/** Parses events.jsonl and checks it against the manifest and its own hash chain. */
export const verifyBundleEvents = (file: string, manifest: BundleManifest, eventsJsonl: string): RecordedEvent[] => {
  const digest = createHash('sha256').update(eventsJsonl).digest('hex');
  if (digest !== manifest.eventsSha256)
    refuse(
      file,
      `events.jsonl hashes to ${digest.slice(0, 12)} but the manifest says ${manifest.eventsSha256.slice(0, 12)}: the events were edited.`,
    );
  const lines = eventsJsonl.split('\n').filter((line) => line.length > 0);
  const events = lines.map((line, i) => {
    try {
      return JSON.parse(line) as RecordedEvent;
    } catch {
      return refuse(file, `line ${i + 1} of events.jsonl is not JSON.`);
    }
  });
  if (events.length !== manifest.eventCount)
    refuse(file, `the manifest counts ${manifest.eventCount} events but events.jsonl holds ${events.length}.`);
  const foreign = events.find((e) => e.streamId !== manifest.streamId);
  if (foreign !== undefined)
    refuse(file, `event ${foreign.id} belongs to ${foreign.streamId}, not ${manifest.streamId}.`);
  if (
    (events[0]?.metadata.hash ?? null) !== manifest.firstHash ||
    (events[events.length - 1]?.metadata.hash ?? null) !== manifest.lastHash
  ) {
    refuse(file, 'the first or last event hash differs from the manifest.');
  }
  const audit = auditEvents(manifest.streamId, events);
  if (!audit.verified) refuse(file, `its hash chain does not verify: ${audit.faults.map((f) => f.message).join('; ')}`);
  return events;
};

const toAppend = (event: RecordedEvent, bundleSha256: string): EventToAppend => {
  const { hash, prevHash, recordedAt, schemaVersion: _v, upcastedFrom: _u, ...rest } = event.metadata;
  const imported: ImportedOrigin = { recordedAt, hash, prevHash, position: event.position, bundleSha256 };
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: { ...rest, imported } as EventToAppend['metadata'],
  };
};

/** Verifies and imports a bundle into `store`. The experiment's stream must not exist there yet (CONFLICT). */
export const importBundle = async (
  store: EventStore,
  file: string,
  options: ImportOptions = {},
): Promise<ImportResult> => {
  const { manifestText, eventsJsonl } = await readBundleFiles(file);
  const manifest = parseManifest(file, manifestText);
  const signed = checkSignature(file, manifest, options);
  const events = verifyBundleEvents(file, manifest, eventsJsonl);
  const existing = await store.readStream(manifest.streamId, { maxCount: 1 });
  if (existing.length > 0) {
    throw new CosearchError(
      'CONFLICT',
      `expected stream ${manifest.streamId} not to exist in the target store, but it holds events. Import into a fresh store.`,
    );
  }
  const batchSize = options.batchSize ?? 500;
  let expected: 'no_stream' | number = 'no_stream';
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize).map((e) => toAppend(e, manifest.eventsSha256));
    const result = await store.append(manifest.streamId, batch, expected);
    expected = result.nextExpectedRevision;
  }
  return { experimentId: manifest.experimentId, streamId: manifest.streamId, events: events.length, signed, manifest };
};
