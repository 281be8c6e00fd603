// Pure tests of the chain audit over in-memory events built with the store's own hash function.
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/audit/index.js';
import { computeEventHash } from '../../src/store/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

const chain = (n: number): RecordedEvent[] => {
  const out: RecordedEvent[] = [];
  let prevHash = '';
  for (let i = 0; i < n; i += 1) {
    const metadata = {
      correlationId: 'x',
      actor: 'test',
      schemaVersion: 1,
      recordedAt: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`,
      prevHash,
    };
    const data = { i };
    const hash = computeEventHash({ id: `e${i}`, type: 'T', data, metadata });
    out.push({
      id: `e${i}`,
      streamId: 's',
      revision: i,
      position: 100 + i,
      type: 'T',
      data,
      metadata: { ...metadata, hash },
    });
    prevHash = hash;
  }
  return out;
};

describe('auditEvents', () => {
  it('verifies an intact chain and reports its first and last hash', () => {
    const events = chain(5);
    const result = auditEvents('s', events);
    expect(result).toMatchObject({
      verified: true,
      events: 5,
      firstHash: events[0]?.metadata.hash,
      lastHash: events[4]?.metadata.hash,
    });
  });

  it('reports three deleted events in a row as one gap naming the absent revisions', () => {
    const events = chain(8).filter((e) => e.revision < 2 || e.revision > 4);
    const result = auditEvents('s', events);
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ kind: 'missing', revision: 2, position: 105 });
    expect(result.faults[0]?.message).toContain('revision 2..4 is absent');
  });

  it('reports a deleted first event', () => {
    const result = auditEvents('s', chain(4).slice(1));
    expect(result.faults).toMatchObject([{ kind: 'missing', revision: 0, position: 101 }]);
  });

  it('reports an edited actor in metadata as an edit', () => {
    const events = chain(4);
    const victim = events[2];
    if (victim === undefined) throw new Error('no event');
    events[2] = { ...victim, metadata: { ...victim.metadata, actor: 'mallory' } };
    expect(auditEvents('s', events).faults).toMatchObject([{ kind: 'edited', position: 102, revision: 2 }]);
  });

  it('reports an event moved three places later as reordered', () => {
    const events = chain(6);
    const moved = [events[0], events[2], events[3], events[4], events[1], events[5]].map((e, i) => ({
      ...(e as RecordedEvent),
      revision: i,
    }));
    const faults = auditEvents('s', moved).faults;
    expect(faults.every((f) => f.kind === 'reordered')).toBe(true);
    expect(faults.map((f) => f.eventId)).toContain('e1');
  });
});
