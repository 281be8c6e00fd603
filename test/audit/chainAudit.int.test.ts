// Audit against real stores: events tampered with directly in SQL (SQLite file and PostgreSQL) are caught and named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditExperiment, syntheticExperiment } from '../../src/audit/index.js';
import type { RecordedEvent } from '../../src/store/index.js';
import type { TamperableStore } from './storeFixtures.js';
import { backends } from './storeFixtures.js';

const experimentId = '11111111-2222-4333-8444-555555555555';

describe.each(backends)('audit on %s', (_name, open) => {
  let fx: TamperableStore;
  let stored: RecordedEvent[];

  beforeEach(async () => {
    fx = await open();
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: 6 });
    await fx.store.append(streamId, events, 'no_stream');
    stored = await fx.store.readStream(streamId);
  });
  afterEach(async () => {
    await fx.dispose();
  });

  const at = (revision: number): RecordedEvent => {
    const e = stored[revision];
    if (e === undefined) throw new Error(`no event at revision ${revision}`);
    return e;
  };

  it('verifies an untouched experiment', async () => {
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(true);
    expect(result.faults).toEqual([]);
    expect(result.events).toBe(stored.length);
  });

  it('names the position and revision of an event whose data was changed by one byte', async () => {
    const victim = at(2);
    const text = JSON.stringify(victim.data);
    const edited = text.replace(/"luts":(\d)/, (_m, d: string) => `"luts":${(Number(d) + 1) % 10}`);
    expect(edited).not.toBe(text);
    await fx.sql('UPDATE events SET data = ? WHERE id = ?', [edited, victim.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({
      kind: 'edited',
      position: victim.position,
      revision: 2,
      eventId: victim.id,
    });
  });

  it('names the gap when an event is deleted', async () => {
    const victim = at(4);
    const after = at(5);
    await fx.sql('DELETE FROM events WHERE id = ?', [victim.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ kind: 'missing', revision: 4, position: after.position });
    expect(result.faults[0]?.message).toContain(`before position ${after.position}`);
  });

  it('names both events when two are swapped', async () => {
    const a = at(3);
    const b = at(4);
    await fx.sql('UPDATE events SET revision = -1 WHERE id = ?', [a.id]);
    await fx.sql('UPDATE events SET revision = 3 WHERE id = ?', [b.id]);
    await fx.sql('UPDATE events SET revision = 4 WHERE id = ?', [a.id]);
    const result = await auditExperiment(fx.store, experimentId);
    expect(result.verified).toBe(false);
    expect(result.faults.map((f) => [f.kind, f.eventId, f.position, f.revision])).toEqual([
      ['reordered', a.id, a.position, 4],
      ['reordered', b.id, b.position, 3],
    ]);
  });
});
