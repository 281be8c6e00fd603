// Tests of `fetchCifar10` against a local HTTP server: an unreachable host, an HTTP error and a wrong checksum
// each fail with a message that points to --data, and nothing is left in the data directory.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_BINARY_MD5, fetchCifar10 } from '../../../src/engine/data/index.js';
import { tempDir } from './fixtures.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cifar-10-binary.tar.gz') res.end(Buffer.from('not the CIFAR-10 archive'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchCifar10', () => {
  it('rejects a download whose MD5 is not the official one with INTERNAL, writing nothing', async () => {
    const dataDir = await tempDir();
    await expect(fetchCifar10({ dataDir, url: `${base}/cifar-10-binary.tar.gz` })).rejects.toMatchObject({
      code: 'INTERNAL', message: expect.stringContaining(`expected the download to have MD5 ${CIFAR10_BINARY_MD5}`),
    });
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('fails with ILLEGAL_STATE naming the URL, the HTTP status and --data when the mirror answers 404', async () => {
    await expect(fetchCifar10({ dataDir: await tempDir(), url: `${base}/missing.tar.gz` })).rejects.toMatchObject({
      code: 'ILLEGAL_STATE', message: expect.stringMatching(new RegExp(`could not download ${base}/missing\\.tar\\.gz \\(HTTP 404\\).*--data`)),
    });
  });

  it('fails at once with ILLEGAL_STATE and points to --data when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchCifar10({ dataDir: join(await tempDir(), 'data'), url: `http://127.0.0.1:${port}/x.tar.gz`, timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ILLEGAL_STATE', message: expect.stringMatching(/\(ECONNREFUSED\).*--data ..\/shared\/datasets\/cifar10-jpeg\.tar\.gz/),
    });
  });
});
