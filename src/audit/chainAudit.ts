// Hash-chain audit of one stream: recomputes every event's hash and follows the prevHash links, then names each
// edited, missing or reordered event by its global position and stream revision. Pure over a list of events.
import type { RecordedEvent } from '../store/index.js';
import { recomputeHash, recomputeOriginalHash, wasUpcasted } from './eventHash.js';

/**
 * What went wrong with one stored event. The hash chain finds `edited`, `missing` and `reordered`; the anchors
 * (src/audit/anchorAudit.ts) find `moved` (global position changed), `truncated` (the stream ends before its anchored
 * head), `unanchored` (no anchor, or events past it) and `unexpected-head` (not the head given by --expect-head).
 */
export type AuditFaultKind =
  'edited' | 'missing' | 'reordered' | 'moved' | 'truncated' | 'unanchored' | 'unexpected-head';

export interface AuditFault {
  kind: AuditFaultKind;
  /** Global position of the faulty event (for `missing`: of the first event after the gap). */
  position: number;
  /** Stream revision of the faulty event (for `missing`: the first revision that is absent). */
  revision: number;
  eventId: string;
  eventType: string;
  message: string;
}

export interface ChainAuditResult {
  streamId: string;
  /** Number of events read. */
  events: number;
  verified: boolean;
  faults: AuditFault[];
  firstHash: string | null;
  lastHash: string | null;
}

const short = (hash: string): string => (hash === '' ? "''" : hash.slice(0, 12));

const edits = (
  events: readonly RecordedEvent[],
  precomputed: ReadonlyMap<RecordedEvent, string> | undefined,
): AuditFault[] =>
  events.flatMap((e) => {
    if (wasUpcasted(e)) return [];
    const recomputed = precomputed?.get(e) ?? recomputeHash(e);
    const original = recomputeOriginalHash(e);
    if (original !== undefined && original.recomputed !== original.recorded) {
      return [
        {
          kind: 'edited' as const,
          position: e.position,
          revision: e.revision,
          eventId: e.id,
          eventType: e.type,
          message:
            `imported event ${e.type} at position ${e.position} (revision ${e.revision}) no longer matches the hash ` +
            `${short(original.recorded)} it had in the exporting store (recomputed ${short(original.recomputed)})`,
        },
      ];
    }
    if (recomputed === e.metadata.hash) return [];
    return [
      {
        kind: 'edited' as const,
        position: e.position,
        revision: e.revision,
        eventId: e.id,
        eventType: e.type,
        message:
          `event ${e.type} at position ${e.position} (revision ${e.revision}) was edited: its content hashes to ` +
          `${short(recomputed)} but the chain recorded ${short(e.metadata.hash)}`,
      },
    ];
  });

/** Reports revision gaps and broken prevHash links whose predecessor is nowhere in the stream. */
const gaps = (events: readonly RecordedEvent[], byHash: ReadonlyMap<string, number>): AuditFault[] => {
  const faults: AuditFault[] = [];
  let expectedRevision = 0;
  for (const e of events) {
    const linkMissing = e.metadata.prevHash !== '' && !byHash.has(e.metadata.prevHash);
    const rootMissing = e.metadata.prevHash === '' && e.revision !== 0;
    if (e.revision > expectedRevision || linkMissing || rootMissing) {
      const gap = e.revision > expectedRevision;
      const first = gap ? expectedRevision : e.revision;
      const count = gap ? e.revision - expectedRevision : 1;
      faults.push({
        kind: 'missing',
        position: e.position,
        revision: first,
        eventId: e.id,
        eventType: e.type,
        message:
          `${count === 1 ? 'an event is' : `${count} events are`} missing before position ${e.position} ` +
          `(revision ${e.revision}, ${e.type})` +
          (gap ? `: revision ${first}${count > 1 ? `..${e.revision - 1}` : ''} is absent` : '') +
          (linkMissing ? `; its prevHash ${short(e.metadata.prevHash)} matches no stored event` : '') +
          (rootMissing ? '; it claims to start the chain but is not revision 0' : ''),
      });
    }
    expectedRevision = Math.max(expectedRevision, e.revision + 1);
  }
  return faults;
};

/**
 * Rebuilds the order the chain says (follow prevHash → hash from the root, segment by segment after gaps) and
 * reports every stored event whose place in that order differs from its place in the stream.
 */
const reorders = (events: readonly RecordedEvent[], byHash: ReadonlyMap<string, number>): AuditFault[] => {
  const successor = new Map<string, number>();
  events.forEach((e, i) => {
    if (!successor.has(e.metadata.prevHash)) successor.set(e.metadata.prevHash, i);
  });
  const starts = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.metadata.prevHash === '' || !byHash.has(e.metadata.prevHash))
    .map(({ i }) => i);
  const chainOrder: number[] = [];
  const seen = new Set<number>();
  for (const start of starts) {
    for (
      let i: number | undefined = start;
      i !== undefined && !seen.has(i);
      i = successor.get(events[i]?.metadata.hash ?? '')
    ) {
      seen.add(i);
      chainOrder.push(i);
    }
  }
  events.forEach((_e, i) => {
    if (!seen.has(i)) chainOrder.push(i);
  }); // forks or cycles: leave in stored order
  const faults: AuditFault[] = [];
  chainOrder.forEach((storedIndex, chainIndex) => {
    const e = events[storedIndex];
    const belongs = events[chainIndex];
    if (storedIndex === chainIndex || e === undefined || belongs === undefined) return;
    faults.push({
      kind: 'reordered',
      position: e.position,
      revision: e.revision,
      eventId: e.id,
      eventType: e.type,
      message:
        `event ${e.type} at position ${e.position} (revision ${e.revision}) is out of order: its prevHash ` +
        `${short(e.metadata.prevHash)} puts it where position ${belongs.position} (revision ${belongs.revision}) is stored`,
    });
  });
  return faults;
};

/**
 * Verifies the hash chain of one stream's events, given in stored (revision) order. `precomputed` holds hashes already
 * recomputed (auditExperiment does it page by page, yielding to the event loop between slices).
 */
export const auditEvents = (
  streamId: string,
  events: readonly RecordedEvent[],
  precomputed?: ReadonlyMap<RecordedEvent, string>,
): ChainAuditResult => {
  const byHash = new Map<string, number>();
  events.forEach((e, i) => byHash.set(e.metadata.hash, i));
  const faults = [...edits(events, precomputed), ...gaps(events, byHash), ...reorders(events, byHash)];
  faults.sort((a, b) => a.position - b.position || a.kind.localeCompare(b.kind));
  return {
    streamId,
    events: events.length,
    verified: faults.length === 0,
    faults,
    firstHash: events[0]?.metadata.hash ?? null,
    lastHash: events[events.length - 1]?.metadata.hash ?? null,
  };
};
