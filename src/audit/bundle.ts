// Export/import of one experiment as a .tar.gz bundle: events.jsonl (one recorded event per line) plus
// manifest.json (counts, first/last hash, sha256 of events.jsonl, HMAC-SHA256 signature when a key is set).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { CosearchError } from '../errors.js';
import { experimentStreamId } from '../events/index.js';
import type { RecordedEvent } from '../store/index.js';
import { canonicalJson } from '../store/index.js';
import type { ReadOnlyEventStore } from './readOnlyStore.js';
import { readWholeStream } from './readOnlyStore.js';

export const BUNDLE_FORMAT = 'cosearch-bundle';
export const EVENTS_FILE = 'events.jsonl';
export const MANIFEST_FILE = 'manifest.json';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: 1;
  experimentId: string;
  streamId: string;
  eventCount: number;
  /** Events per type, e.g. { CandidateProposed: 40 }. */
  eventTypes: Record<string, number>;
  firstHash: string | null;
  lastHash: string | null;
  firstPosition: number | null;
  lastPosition: number | null;
  eventsFile: typeof EVENTS_FILE;
  /** sha256 hex of events.jsonl as stored in the bundle. */
  eventsSha256: string;
  exportedAt: string;
  /**
   * The source store's head of the stream when exported: the last event's seal (covers every hash and global
   * position), or its hash where the store keeps no seals. Save it; `cosearch audit --expect-head` checks it later.
   */
  head?: string | null;
  /** HMAC-SHA256 (hex) over the canonical JSON of the manifest without `signature`. */
  signature?: { algorithm: 'HMAC-SHA256'; value: string };
}

export interface ExportOptions {
  /** HMAC key; signs the manifest. @default process.env.COSEARCH_BUNDLE_KEY (unsigned when unset) */
  key?: string;
  /** Export time written to the manifest. @default new Date() */
  now?: Date;
  /** The receipt written as `manifest.head` (exportExperiment reads it from the store). @default lastHash */
  head?: string | null;
}

export interface ExportResult {
  file: string;
  manifest: BundleManifest;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The HMAC of a manifest (its `signature` member left out). */
export const signManifest = (manifest: BundleManifest, key: string): string => {
  const { signature: _signature, ...unsigned } = manifest;
  return createHmac('sha256', key).update(canonicalJson(unsigned)).digest('hex');
};

/** Builds the two bundle files for a list of events. Pure apart from the HMAC. */
export const buildBundle = (
  experimentId: string,
  events: readonly RecordedEvent[],
  options: ExportOptions = {},
): { manifest: BundleManifest; eventsJsonl: string } => {
  const eventsJsonl = events.map((e) => JSON.stringify(e)).join('\n') + (events.length > 0 ? '\n' : '');
  const eventTypes: Record<string, number> = {};
  for (const e of events) eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
  const first = events[0];
  const last = events[events.length - 1];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: 1,
    experimentId,
    streamId: experimentStreamId(experimentId),
    eventCount: events.length,
    eventTypes,
    firstHash: first?.metadata.hash ?? null,
    lastHash: last?.metadata.hash ?? null,
    firstPosition: first?.position ?? null,
    lastPosition: last?.position ?? null,
    eventsFile: EVENTS_FILE,
    eventsSha256: sha256(eventsJsonl),
    exportedAt: (options.now ?? new Date()).toISOString(),
    head: options.head ?? last?.metadata.hash ?? null,
  };
  const key = options.key ?? process.env.COSEARCH_BUNDLE_KEY;
  if (key !== undefined && key !== '')
    manifest.signature = { algorithm: 'HMAC-SHA256', value: signManifest(manifest, key) };
  return { manifest, eventsJsonl };
};

/** Writes experiment `experimentId` of `store` to a .tar.gz bundle at `file`. NOT_FOUND for an empty stream. */
export const exportExperiment = async (
  store: ReadOnlyEventStore,
  experimentId: string,
  file: string,
  options: ExportOptions = {},
): Promise<ExportResult> => {
  const events = await readWholeStream(store, experimentStreamId(experimentId));
  if (events.length === 0) {
    throw new CosearchError(
      'NOT_FOUND',
      `expected events in stream ${experimentStreamId(experimentId)}, but it is empty. Check the experiment id and --store URL.`,
    );
  }
  const seals = store.readSeals === undefined ? [] : await store.readSeals(experimentStreamId(experimentId));
  const last = events[events.length - 1];
  const head = seals.find((s) => s.revision === last?.revision)?.seal ?? last?.metadata.hash ?? null;
  const { manifest, eventsJsonl } = buildBundle(experimentId, events, { ...options, head });
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-export-'));
  try {
    await writeFile(join(dir, EVENTS_FILE), eventsJsonl);
    await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await tar.c({ gzip: true, file, cwd: dir, portable: true }, [MANIFEST_FILE, EVENTS_FILE]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { file, manifest };
};

/** Reads the two files of a bundle without trusting them yet. BAD_USER_INPUT when the archive is not a bundle. */
export const readBundleFiles = async (file: string): Promise<{ manifestText: string; eventsJsonl: string }> => {
  const dir = await mkdtemp(join(tmpdir(), 'cosearch-import-'));
  try {
    await tar.x({ file, cwd: dir, strict: true, filter: (path) => path === MANIFEST_FILE || path === EVENTS_FILE });
    const [manifestText, eventsJsonl] = await Promise.all([
      readFile(join(dir, MANIFEST_FILE), 'utf8'),
      readFile(join(dir, EVENTS_FILE), 'utf8'),
    ]);
    return { manifestText, eventsJsonl };
  } catch (error) {
    if (error instanceof CosearchError) throw error;
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected ${file} to be a .tar.gz bundle holding ${MANIFEST_FILE} and ${EVENTS_FILE} (made by \`cosearch export\`), ` +
        `but reading it failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** Checks a signature in constant time. */
export const signatureMatches = (manifest: BundleManifest, key: string): boolean => {
  const expected = Buffer.from(signManifest(manifest, key), 'hex');
  const actual = Buffer.from(manifest.signature?.value ?? '', 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};
