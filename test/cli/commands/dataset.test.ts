// Runs the built `cosearch dataset prepare|info` on a tiny self-made CIFAR-10 binary archive.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tarGz, tempDir, writeCifarBinary } from '../../engine/data/fixtures.js';

const run = promisify(execFile);
const main = join(process.cwd(), 'dist/src/cli/main.js');

describe('cosearch dataset', () => {
  it('prepares an archive into the cache, reports its counts, then lists it with info', async () => {
    const root = await tempDir();
    await writeCifarBinary(join(root, 'src'), 3);
    const archive = join(root, 'cifar-10-binary.tar.gz');
    await tarGz(join(root, 'src'), archive);
    const dataDir = join(root, 'data');
    const first = JSON.parse(
      (await run('node', [main, 'dataset', 'prepare', '--data', archive, '--data-dir', dataDir, '--json'])).stdout,
    ) as Record<string, unknown>;
    expect(first).toMatchObject({ fromCache: false, trainImages: 15, testImages: 3, shape: [32, 32, 3] });
    const second = JSON.parse(
      (await run('node', [main, 'dataset', 'prepare', '--data', archive, '--data-dir', dataDir, '--json'])).stdout,
    ) as Record<string, unknown>;
    expect(second.fromCache).toBe(true);
    const info = JSON.parse((await run('node', [main, 'dataset', 'info', '--data-dir', dataDir, '--json'])).stdout) as {
      trainCount: number;
    }[];
    expect(info.map((r) => r.trainCount)).toEqual([15]);
  });

  it('exits with code 2 and names --data when prepare has no source', async () => {
    await expect(run('node', [main, 'dataset', 'prepare', '--data-dir', await tempDir()])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--data'),
    });
  });
});
