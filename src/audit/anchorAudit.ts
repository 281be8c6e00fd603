// What the hash chain alone cannot see: a stream cut short (checked against the head anchored beside it), events
// moved to other global positions (checked against their seals), and a head other than the one a user saved.
import type { PositionSeal, RecordedEvent, StreamAnchor } from '../store/index.js';
import { sealPosition } from '../store/index.js';
import type { AuditFault } from './chainAudit.js';

/** What the anchoring checks found, beside their faults. */
export interface AnchorAuditResult {
  faults: AuditFault[];
  /** The receipt: the last event's seal, or its hash when it has no seal (written before anchors). Null when empty. */
  head: string | null;
  /** Events without a seal (written before anchors existed): their positions are not covered. */
  unsealedEvents: number;
  /** Revision at which `expectHead` was found (the last one, or an earlier one when the stream grew since). */
  expectedHeadRevision: number | null;
}

export interface AnchorAuditInput {
  streamId: string;
  /** The stream's events in stored (revision) order. */
  events: readonly RecordedEvent[];
  /** undefined: the backend keeps no anchors (KurrentDB), so only `expectHead` is checked. */
  anchoring?: { anchor: StreamAnchor | undefined; seals: readonly PositionSeal[] };
  /** A head (seal or hash) the user saved, e.g. from `cosearch export`. */
  expectHead?: string;
}

const short = (hash: string): string => hash.slice(0, 12);

const fault = (
  kind: AuditFault['kind'],
  e: RecordedEvent | undefined,
  message: string,
  revision = e?.revision ?? -1,
): AuditFault => ({
  kind,
  position: e?.position ?? -1,
  revision,
  eventId: e?.id ?? '',
  eventType: e?.type ?? '',
  message,
});

/**
 * Recomputes each seal from the previous stored seal, the event's position and its stored hash. Only where the hash
 * chain says the previous stored event really is this one's predecessor: elsewhere the chain audit already names the
 * fault (missing, reordered), and one fault should not be reported twice.
 */
const movedFaults = (events: readonly RecordedEvent[], seals: ReadonlyMap<number, string | null>): AuditFault[] => {
  const faults: AuditFault[] = [];
  let previous: RecordedEvent | undefined;
  for (const e of events) {
    const linked =
      previous === undefined
        ? e.revision === 0 && e.metadata.prevHash === ''
        : e.metadata.prevHash === previous.metadata.hash;
    const seal = seals.get(e.revision) ?? null;
    const prevSeal = previous === undefined ? '' : (seals.get(previous.revision) ?? null);
    if (linked && seal !== null && sealPosition(prevSeal ?? '', e.position, e.metadata.hash) !== seal) {
      faults.push(
        fault(
          'moved',
          e,
          `event ${e.type} at position ${e.position} (revision ${e.revision}) was recorded at another ` +
            `global position: its seal ${short(seal)} does not cover position ${e.position}`,
        ),
      );
    } else if (seal === null && prevSeal !== null && previous !== undefined) {
      faults.push(
        fault(
          'moved',
          e,
          `event ${e.type} at position ${e.position} (revision ${e.revision}) has no seal although the ` +
            'event before it has one: its seal was removed',
        ),
      );
    } else if (linked && seal === null && previous !== undefined && e.position <= previous.position) {
      // Events written before seals existed: only the order of positions can be checked.
      faults.push(
        fault(
          'moved',
          e,
          `event ${e.type} at position ${e.position} (revision ${e.revision}) sits before its predecessor ` +
            `at position ${previous.position}: global positions were swapped or rewritten`,
        ),
      );
    }
    previous = e;
  }
  return faults;
};

/** Compares the end of the stream with its anchor: cut short, replaced, or extended behind the store's back. */
const anchorFaults = (
  streamId: string,
  events: readonly RecordedEvent[],
  anchor: StreamAnchor | undefined,
): AuditFault[] => {
  const last = events[events.length - 1];
  if (last === undefined) return [];
  if (anchor === undefined) {
    return [
      fault(
        'unanchored',
        last,
        `stream ${streamId} has no recorded head: its anchor row was deleted, or events were inserted ` +
          'without the store',
      ),
    ];
  }
  if (anchor.revision > last.revision) {
    const missing = anchor.revision - last.revision;
    return [
      fault(
        'truncated',
        last,
        `stream ${streamId} ends at revision ${last.revision} (position ${last.position}) but its anchor ` +
          `records revision ${anchor.revision} (position ${anchor.position}, hash ${short(anchor.hash)}): ${missing} event(s) were removed ` +
          'from the end',
        last.revision + 1,
      ),
    ];
  }
  if (anchor.revision < last.revision) {
    return [
      fault(
        'unanchored',
        last,
        `stream ${streamId} goes on to revision ${last.revision} past its anchor at revision ` +
          `${anchor.revision}: events were added without the store`,
      ),
    ];
  }
  if (anchor.hash !== last.metadata.hash) {
    return [
      fault(
        'truncated',
        last,
        `the last event of ${streamId} (revision ${last.revision}) hashes to ${short(last.metadata.hash)} ` +
          `but its anchor records ${short(anchor.hash)}: the end of the stream was replaced`,
      ),
    ];
  }
  return [];
};

/** Runs the anchoring checks of one stream (see AnchorAuditInput). */
export const auditAnchoring = (input: AnchorAuditInput): AnchorAuditResult => {
  const { events, anchoring } = input;
  const seals = new Map<number, string | null>((anchoring?.seals ?? []).map((s) => [s.revision, s.seal]));
  const last = events[events.length - 1];
  const head = last === undefined ? null : (seals.get(last.revision) ?? last.metadata.hash);
  const faults =
    anchoring === undefined
      ? []
      : [...movedFaults(events, seals), ...anchorFaults(input.streamId, events, anchoring.anchor)];
  let expectedHeadRevision: number | null = null;
  if (input.expectHead !== undefined) {
    const expected = input.expectHead.trim().toLowerCase();
    const at = [...events].reverse().find((e) => seals.get(e.revision) === expected || e.metadata.hash === expected);
    expectedHeadRevision = at?.revision ?? null;
    if (at === undefined) {
      faults.push(
        fault(
          'unexpected-head',
          last,
          `expected the head ${short(expected)}, but no event of ${input.streamId} has that seal ` +
            `or hash (its head is ${head === null ? 'empty' : short(head)}): the stream was truncated or rewritten since the receipt`,
        ),
      );
    }
  }
  return {
    faults,
    head,
    unsealedEvents:
      anchoring === undefined ? events.length : events.filter((e) => (seals.get(e.revision) ?? null) === null).length,
    expectedHeadRevision,
  };
};
