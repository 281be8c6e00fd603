// Reads the files of a data source, a directory or a .tar.gz archive, as (path, bytes) pairs, and hashes the
// source. Archives stream through the `tar` package, so nothing is extracted to disk.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { t as listTar } from 'tar';
import { CosearchError } from '../../errors.js';

export interface SourceFile {
  /** Path inside the source, '/'-separated, e.g. `train/cat/0001.jpg`. */
  path: string;
  data: Buffer;
}

export const isArchive = (source: string): boolean => /\.(tar\.gz|tgz|tar)$/i.test(source);

/** Throws a BAD_USER_INPUT error unless `source` is an existing directory or archive. */
export async function assertSource(source: string): Promise<'dir' | 'archive'> {
  const info = await stat(source).catch(() => undefined);
  if (info?.isDirectory()) return 'dir';
  if (info?.isFile() && isArchive(source)) return 'archive';
  throw new CosearchError(
    'BAD_USER_INPUT',
    `expected --data to name a directory or a .tar.gz archive, but got '${source}' (${info ? 'not a directory or archive' : 'no such path'}); ` +
      'pass e.g. --data ../shared/datasets/cifar10-jpeg.tar.gz or a folder holding cifar-10-batches-bin/',
  );
}

/** All files of the source whose path passes `want`, sorted by path for determinism. */
export async function readSourceFiles(source: string, want: (path: string) => boolean): Promise<SourceFile[]> {
  const kind = await assertSource(source);
  const files: SourceFile[] = [];
  if (kind === 'dir') {
    const entries = await readdir(source, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = relative(source, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (want(path)) files.push({ path, data: await readFile(join(source, path)) });
    }
  } else {
    const pending: Promise<void>[] = [];
    await listTar({
      file: source,
      // A truncated or corrupt archive must fail (tar only warns by default), naming the file, as bad input.
      strict: true,
      onReadEntry: (entry) => {
        const path = entry.path.replace(/^\.\//, '');
        if (entry.type !== 'File' || !want(path)) return;
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        pending.push(
          new Promise((resolve) =>
            entry.on('end', () => {
              files.push({ path, data: Buffer.concat(chunks) });
              resolve();
            }),
          ),
        );
      },
    }).catch((error: unknown) => {
      const code = String((error as { code?: unknown }).code ?? 'TAR_BAD_ARCHIVE');
      throw new CosearchError('BAD_USER_INPUT', `expected ${source} to be a complete .tar.gz or .tar archive, but reading it failed ` +
        `(${code}: ${error instanceof Error ? error.message : String(error)}); the file is truncated or corrupt, so download or copy it again`);
    });
    await Promise.all(pending);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** sha256 of an archive's bytes, or of a directory's sorted file names and sizes (cheap, content-blind). */
export async function hashSource(source: string): Promise<string> {
  const kind = await assertSource(source);
  const hash = createHash('sha256');
  if (kind === 'archive') {
    for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer);
  } else {
    const entries = await readdir(source, { recursive: true, withFileTypes: true });
    const lines: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      lines.push(`${relative(source, full).split(sep).join('/')}\t${(await stat(full)).size}`);
    }
    hash.update(lines.sort().join('\n'));
  }
  return hash.digest('hex');
}
