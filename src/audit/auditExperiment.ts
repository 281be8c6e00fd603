// auditExperiment: reads an experiment stream through a read-only store and verifies its hash chain. Events
// whose stored data no longer passes the catalog cannot be read; they are reported as edited, by revision.
import { experimentStreamId } from '../events/index.js';
import { CosearchError, isCosearchError } from '../errors.js';
import type { RecordedEvent } from '../store/index.js';
import type { AuditFault, ChainAuditResult } from './chainAudit.js';
import { auditEvents } from './chainAudit.js';
import { auditAnchoring } from './anchorAudit.js';
import { recomputeHash, wasUpcasted } from './eventHash.js';
import type { ReadOnlyEventStore } from './readOnlyStore.js';
import { yieldToEventLoop } from './readOnlyStore.js';

export interface ExperimentAuditResult extends ChainAuditResult {
  experimentId: string;
  /** The receipt to save and pass back as `expectHead`: the last event's seal (or hash, for pre-anchor streams). */
  head: string | null;
  /** Whether the backend keeps anchors (SQLite, PostgreSQL): without them truncation and moved positions go unseen. */
  anchored: boolean;
  /** Events written before anchors existed: their global positions are not covered by a seal. */
  unsealedEvents: number;
  /** Revision where `expectHead` was found; null when not given or not found. */
  expectedHeadRevision: number | null;
}

/** Options of auditExperiment. */
export interface AuditOptions {
  /** A head the user saved (from `cosearch export` or an earlier audit); a stream without it is a fault. */
  expectHead?: string;
  /** Events per read; the event loop runs between pages (and every 500 hashes). @default 1000 */
  pageSize?: number;
}

/** Reads a page; when the page fails to decode, reads it event by event and records the unreadable revisions. */
const readPage = async (
  store: ReadOnlyEventStore,
  streamId: string,
  fromRevision: number,
  pageSize: number,
  unreadable: AuditFault[],
  lastRevision: number,
): Promise<RecordedEvent[]> => {
  try {
    return await store.readStream(streamId, { fromRevision, maxCount: pageSize });
  } catch (error) {
    if (!isCosearchError(error) || pageSize === 1) {
      if (!isCosearchError(error)) throw error;
      unreadable.push({
        kind: 'edited',
        position: -1,
        revision: fromRevision,
        eventId: '',
        eventType: '',
        message: `the event at revision ${fromRevision} cannot be read any more (${error.message}); its stored data was edited`,
      });
      return [];
    }
    const out: RecordedEvent[] = [];
    for (let r = fromRevision; r < fromRevision + pageSize && r <= lastRevision; r += 1) {
      const single = await readPage(store, streamId, r, 1, unreadable, lastRevision);
      out.push(...single);
    }
    return out;
  }
};

/** Verifies the hash chain of `experiment-<experimentId>`. NOT_FOUND when the stream is empty. */
export const auditExperiment = async (
  store: ReadOnlyEventStore,
  experimentId: string,
  options: AuditOptions = {},
): Promise<ExperimentAuditResult> => {
  const pageSize = options.pageSize ?? 1000;
  const hashes = new Map<RecordedEvent, string>();
  const streamId = experimentStreamId(experimentId);
  const unreadable: AuditFault[] = [];
  const events: RecordedEvent[] = [];
  const head = (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }).catch(() => []))[0];
  const lastRevision = head?.revision ?? Number.MAX_SAFE_INTEGER;
  for (let from = 0; from <= lastRevision;) {
    const page = await readPage(store, streamId, from, pageSize, unreadable, lastRevision);
    for (let i = 0; i < page.length; i += 1) {
      const e = page[i];
      if (e !== undefined && !wasUpcasted(e)) hashes.set(e, recomputeHash(e));
      if (i % 500 === 499) await yieldToEventLoop();
    }
    await yieldToEventLoop();
    events.push(...page);
    const last = page[page.length - 1];
    if (last === undefined && unreadable.length === 0) break;
    from = Math.max(from + pageSize, (last?.revision ?? 0) + 1);
    if (head === undefined && page.length < pageSize) break;
  }
  if (events.length === 0 && unreadable.length === 0) {
    throw new CosearchError(
      'NOT_FOUND',
      `expected events in stream ${streamId}, but it is empty. Check the experiment id and --store URL.`,
    );
  }
  const result = auditEvents(streamId, events, hashes);
  const anchoring =
    store.readAnchor === undefined || store.readSeals === undefined
      ? undefined
      : { anchor: await store.readAnchor(streamId), seals: await store.readSeals(streamId) };
  const anchors = auditAnchoring({
    streamId,
    events,
    ...(anchoring === undefined ? {} : { anchoring }),
    ...(options.expectHead === undefined ? {} : { expectHead: options.expectHead }),
  });
  const faults = [...unreadable, ...result.faults, ...anchors.faults];
  faults.sort((a, b) => a.position - b.position || a.kind.localeCompare(b.kind));
  return {
    ...result,
    experimentId,
    faults,
    verified: faults.length === 0,
    head: anchors.head,
    anchored: anchoring !== undefined,
    unsealedEvents: anchors.unsealedEvents,
    expectedHeadRevision: anchors.expectedHeadRevision,
  };
};
