// Runs the built `cosearch export` and `cosearch audit --expect-head` on a real SQLite file: export prints the head
// as a receipt, and audit fails with exit 1 once the stream no longer ends at it, even when the anchor was fixed up.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../../src/audit/index.js';
import { SqliteEventStore } from '../../../src/store/index.js';

const run = promisify(execFile);
const main = join(process.cwd(), 'dist/src/cli/main.js');
const experimentId = '41111111-2222-4333-8444-555555555555';

describe('cosearch export and audit --expect-head', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cosearch-cli-audit-'));
    file = join(dir, 'cosearch.db');
    const store = new SqliteEventStore(file);
    const { streamId, events } = syntheticExperiment({ experimentId, candidates: 4 });
    await store.append(streamId, events, 'no_stream');
    await store.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the head as a receipt on export, and audit exits 1 when a truncation also rewrote the anchor', async () => {
    const exported = await run('node', [
      main,
      'export',
      experimentId,
      '-o',
      join(dir, 'b.tar.gz'),
      '--store',
      `sqlite:${file}`,
    ]);
    const receipt = /receipt: head ([0-9a-f]{64})/.exec(exported.stdout)?.[1];
    expect(receipt).toBeDefined();
    const ok = await run('node', [
      main,
      'audit',
      experimentId,
      '--store',
      `sqlite:${file}`,
      '--expect-head',
      receipt ?? '',
    ]);
    expect(ok.stdout).toContain(`head ${receipt}`);

    const store = new SqliteEventStore(file);
    const last = store.db.prepare('SELECT max(revision) AS r FROM events').get() as { r: number };
    store.db.prepare('DELETE FROM events WHERE revision = ?').run(last.r);
    store.db
      .prepare(
        `UPDATE stream_heads SET (revision, hash, position, seal) =
      (SELECT revision, hash, position, seal FROM events WHERE revision = ?)`,
      )
      .run(last.r - 1);
    await store.close();

    await expect(run('node', [main, 'audit', experimentId, '--store', `sqlite:${file}`])).resolves.toBeDefined();
    await expect(
      run('node', [main, 'audit', experimentId, '--store', `sqlite:${file}`, '--expect-head', receipt ?? '']),
    ).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('unexpected-head') });
  });
});
