// `cosearch dataset fetch cifar10`: downloads the official CIFAR-10 binary archive and checks the MD5 that the
// official page (https://www.cs.toronto.edu/~kriz/cifar.html) publishes. Without internet it fails at once.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CosearchError } from '../../errors.js';

export const CIFAR10_BINARY_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** MD5 of cifar-10-binary.tar.gz as published on the official page. */
export const CIFAR10_BINARY_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

export interface FetchOptions {
  dataDir: string;
  /** Where to download from, e.g. a local mirror; the MD5 must still be the official one. @default CIFAR10_BINARY_URL */
  url?: string;
  /** Connection timeout in ms. @default 5000 */
  timeoutMs?: number;
}

const offline = (url: string, reason: string): CosearchError =>
  new CosearchError(
    'ILLEGAL_STATE',
    `could not download ${url} (${reason}). This machine may have no internet: point cosearch at a local copy instead, ` +
      'e.g. `cosearch dataset prepare --data ../shared/datasets/cifar10-jpeg.tar.gz` or --data <dir|tar.gz> holding cifar-10-batches-bin/',
  );

/** Downloads and verifies the archive; returns its path in the data directory. */
export async function fetchCifar10(options: FetchOptions): Promise<string> {
  const url = options.url ?? CIFAR10_BINARY_URL;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw offline(url, cause ?? (error instanceof Error ? error.message : String(error)));
  }
  if (!response.ok) throw offline(url, `HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const md5 = createHash('md5').update(bytes).digest('hex');
  if (md5 !== CIFAR10_BINARY_MD5) {
    throw new CosearchError('INTERNAL', `expected the download to have MD5 ${CIFAR10_BINARY_MD5} (the official page's), but got ${md5}; retry, or use --data with a local copy`);
  }
  await mkdir(options.dataDir, { recursive: true });
  const path = join(options.dataDir, 'cifar-10-binary.tar.gz');
  await writeFile(`${path}.part`, bytes);
  await rename(`${path}.part`, path);
  return path;
}
