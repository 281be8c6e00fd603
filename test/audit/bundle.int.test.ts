// Export → import into a fresh store (SQLite and PostgreSQL) → audit passes; tampered or wrongly signed bundles are refused.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditExperiment,
  exportExperiment,
  importBundle,
  replayExperiment,
  syntheticExperiment,
} from '../../src/audit/index.js';
import type { TamperableStore } from './storeFixtures.js';
import { postgresFixture, sqliteFixture } from './storeFixtures.js';

const experimentId = 'aaaaaaaa-2222-4333-8444-555555555555';

describe('export and import bundles', () => {
  let source: TamperableStore;
  let target: TamperableStore | undefined;
  let dir: string;
  let bundle: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cosearch-bundle-'));
    bundle = join(dir, 'bundle.tar.gz');
    source = await sqliteFixture();
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: 12 });
    await source.store.append(streamId, events, 'no_stream');
  });
  afterEach(async () => {
    await source.dispose();
    await target?.dispose();
    target = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['SQLite', sqliteFixture],
    ['PostgreSQL', postgresFixture],
  ])(
    'imports an exported experiment into a fresh %s store where audit passes and replay matches',
    async (_name, open) => {
      const exported = await exportExperiment(source.store, experimentId, bundle, { key: 'k1' });
      expect(exported.manifest.signature?.algorithm).toBe('HMAC-SHA256');
      target = await open();
      const result = await importBundle(target.store, bundle, { key: 'k1' });
      expect(result).toMatchObject({ experimentId, events: exported.manifest.eventCount, signed: true });
      const audit = await auditExperiment(target.store, experimentId);
      expect(audit.faults).toEqual([]);
      expect(audit.verified).toBe(true);
      const [before, after] = await Promise.all([
        replayExperiment(source.store, experimentId),
        replayExperiment(target.store, experimentId),
      ]);
      expect(after.counts).toEqual(before.counts);
      expect(after.asOf.recordedAt).toBe(before.asOf.recordedAt);
      expect(after.leaderboard.map((c) => c.candidateId)).toEqual(before.leaderboard.map((c) => c.candidateId));
      const original = await source.store.readStream(`experiment-${experimentId}`);
      const imported = await target.store.readStream(`experiment-${experimentId}`);
      expect(imported.map((e) => e.id)).toEqual(original.map((e) => e.id));
      expect(imported.map((e) => (e.metadata as { imported?: { hash: string } }).imported?.hash)).toEqual(
        original.map((e) => e.metadata.hash),
      );
    },
  );

  it('refuses a bundle whose events were edited after export', async () => {
    await exportExperiment(source.store, experimentId, bundle, { key: '' });
    const unpacked = join(dir, 'x');
    await rm(unpacked, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(unpacked));
    await tar.x({ file: bundle, cwd: unpacked });
    const events = await readFile(join(unpacked, 'events.jsonl'), 'utf8');
    await writeFile(join(unpacked, 'events.jsonl'), events.replace('"accuracy":0.', '"accuracy":1.'));
    const tampered = join(dir, 'tampered.tar.gz');
    await tar.c({ gzip: true, file: tampered, cwd: unpacked }, ['manifest.json', 'events.jsonl']);
    target = await sqliteFixture();
    await expect(importBundle(target.store, tampered, { key: '' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('the events were edited'),
    });
    expect(await target.store.headPosition()).toBe(0);
  });

  it('refuses a signed bundle checked with the wrong key', async () => {
    await exportExperiment(source.store, experimentId, bundle, { key: 'right' });
    target = await sqliteFixture();
    await expect(importBundle(target.store, bundle, { key: 'wrong' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('signature does not match'),
    });
  });

  it('refuses to import into a store that already holds the experiment', async () => {
    await exportExperiment(source.store, experimentId, bundle, { key: '' });
    await expect(importBundle(source.store, bundle, { key: '' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
