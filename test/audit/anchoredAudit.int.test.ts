// Audit against real stores, for tampering the hash chain alone cannot see (issue 19, finding 2): a stream cut
// short at its end, events moved to other global positions, a rewritten anchor caught by a saved head, and a store
// created before anchors existed, which must still open and audit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditExperiment, syntheticExperiment } from '../../src/audit/index.js';
import { newEvent } from '../../src/events/index.js';
import type { RecordedEvent } from '../../src/store/index.js';
import type { TamperableStore } from './storeFixtures.js';
import { backends } from './storeFixtures.js';

const experimentId = '21111111-2222-4333-8444-555555555555';
const otherId = '31111111-2222-4333-8444-555555555555';

describe.each(backends)('anchored audit on %s', (_name, open) => {
  let fx: TamperableStore;
  let stored: RecordedEvent[];

  beforeEach(async () => {
    fx = await open();
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: 6 });
    await fx.store.append(streamId, events.slice(0, 10), 'no_stream');
    const other = syntheticExperiment({ experimentId: otherId, candidates: 2 });
    await fx.store.append(other.streamId, other.events, 'no_stream');
    await fx.store.append(streamId, events.slice(10), 9);
    stored = await fx.store.readStream(streamId);
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('reports a finished experiment whose last six events were deleted as truncated', async () => {
    const tail = stored.slice(-6);
    expect(tail.at(-1)?.type).toBe('ExperimentCompleted');
    for (const e of tail) await fx.sql('DELETE FROM events WHERE id = ?', [e.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ kind: 'truncated', revision: stored.length - 6 });
    expect(result.faults[0]?.message).toContain('6 event(s) were removed from the end');
  });

  it('names both events when two events swap their global positions', async () => {
    const a = stored[3];
    const b = stored.find((e) => e.revision === 12);
    if (a === undefined || b === undefined) throw new Error('fixture too short');
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [-5, a.id]);
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [a.position, b.id]);
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [b.position, a.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults.every((f) => f.kind === 'moved')).toBe(true);
    expect(result.faults.map((f) => f.eventId).sort()).toEqual([a.id, b.id].sort());
  });

  it("names an event moved to another stream's position, where positions still increase", async () => {
    const other = await fx.store.readStream(`experiment-${otherId}`);
    const victim = stored[9];
    const target = other[0];
    if (victim === undefined || target === undefined) throw new Error('fixture too short');
    // stream revision 9 sits just before the other experiment's events; give it the first of their positions.
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [-7, target.id]);
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [target.position, victim.id]);
    await fx.sql('UPDATE events SET position = ? WHERE id = ?', [victim.position, target.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.faults).toEqual([
      expect.objectContaining({ kind: 'moved', eventId: victim.id, position: target.position }),
    ]);
  });

  it('catches a truncation whose anchor was rewritten too, with the head saved from an earlier audit', async () => {
    const receipt = (await auditExperiment(fx.store, experimentId)).head;
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    const tail = stored.slice(-3);
    const newLast = stored[stored.length - 4];
    if (newLast === undefined) throw new Error('fixture too short');
    for (const e of tail) await fx.sql('DELETE FROM events WHERE id = ?', [e.id]);
    await fx.sql(
      'UPDATE stream_heads SET revision = ?, hash = ?, position = ?, seal = (SELECT seal FROM events WHERE id = ?) WHERE stream_id = ?',
      [newLast.revision, newLast.metadata.hash, newLast.position, newLast.id, `experiment-${experimentId}`],
    );
    expect((await auditExperiment(fx.store, experimentId)).verified).toBe(true);
    const result = await auditExperiment(fx.store, experimentId, { expectHead: receipt ?? '' });
    expect(result.verified).toBe(false);
    expect(result.faults.map((f) => f.kind)).toEqual(['unexpected-head']);
  });

  it('accepts a saved head that the stream has since grown past, and says where it was found', async () => {
    const receipt = (await auditExperiment(fx.store, experimentId)).head ?? '';
    const streamId = `experiment-${experimentId}`;
    await fx.store.append(
      streamId,
      [newEvent('ExperimentResumed', { experimentId, reason: 'test' }, { correlationId: experimentId, actor: 'test' })],
      'any',
    );
    const result = await auditExperiment(fx.store, experimentId, { expectHead: receipt });
    expect(result.verified).toBe(true);
    expect(result.expectedHeadRevision).toBe(stored.length - 1);
  });

  it('keeps a truncation visible after a later append: the new event continues after the anchor', async () => {
    const tail = stored.slice(-2);
    for (const e of tail) await fx.sql('DELETE FROM events WHERE id = ?', [e.id]);
    const streamId = `experiment-${experimentId}`;
    await fx.store.append(
      streamId,
      [newEvent('ExperimentResumed', { experimentId, reason: 'test' }, { correlationId: experimentId, actor: 'test' })],
      'any',
    );
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults).toEqual([expect.objectContaining({ kind: 'missing', revision: stored.length - 2 })]);
  });

  it('reports a deleted anchor as unanchored', async () => {
    await fx.sql('DELETE FROM stream_heads WHERE stream_id = ?', [`experiment-${experimentId}`]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.faults.map((f) => f.kind)).toEqual(['unanchored']);
  });

  it('opens and audits a store created before anchors, then anchors what is appended after', async () => {
    // Back to the 0001 layout: what a store written by the previous release holds.
    await fx.sql('DROP TABLE stream_heads');
    await fx.sql('ALTER TABLE events DROP COLUMN seal');
    await fx.sql("DELETE FROM schema_migrations WHERE version = '0002_events_anchors.sql'");
    const reopened = await fx.reopen();
    const before = await auditExperiment(reopened, experimentId);
    expect(before).toMatchObject({
      verified: true,
      events: stored.length,
      unsealedEvents: stored.length,
      head: stored.at(-1)?.metadata.hash,
    });
    await reopened.append(
      `experiment-${experimentId}`,
      [newEvent('ExperimentResumed', { experimentId, reason: 'test' }, { correlationId: experimentId, actor: 'test' })],
      stored.length - 1,
    );
    const after = await auditExperiment(reopened, experimentId);
    expect(after).toMatchObject({ verified: true, events: stored.length + 1, unsealedEvents: stored.length });
    for (const e of stored.slice(-2)) await fx.sql('DELETE FROM events WHERE id = ?', [e.id]);
    expect((await auditExperiment(reopened, experimentId)).faults.map((f) => f.kind)).toContain('missing');
  });
});
