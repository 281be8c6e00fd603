// Tests of the CIFAR-10 binary and image-folder loaders, from directories and from .tar.gz archives, and the cache.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCifarRecords, loadDataset } from '../../../src/engine/data/index.js';
import { cifarRecord, tarGz, tempDir, writeCifarBinary, writeImageFolder } from './fixtures.js';

describe('CIFAR-10 binary loader', () => {
  it('converts channel-planar records to NHWC pixels with their labels', () => {
    const set = decodeCifarRecords(Buffer.concat([cifarRecord(3, 5), cifarRecord(9, 6)]));
    expect(set.count).toBe(2);
    expect([...set.labels]).toEqual([3, 9]);
    expect([...set.images.subarray(0, 6)]).toEqual([30, 5, 7, 30, 5, 7]);
    expect(set.images[3072]).toBe(90);
  });

  it('rejects a truncated batch with BAD_USER_INPUT', () => {
    expect(() => decodeCifarRecords(new Uint8Array(100))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('loads the five training batches and the test batch from a directory and from a tar.gz', async () => {
    const root = await tempDir();
    await writeCifarBinary(join(root, 'src'), 4);
    await tarGz(join(root, 'src'), join(root, 'cifar-10-binary.tar.gz'));
    for (const source of [join(root, 'src'), join(root, 'cifar-10-binary.tar.gz')]) {
      const { dataset } = await loadDataset(source, { dataDir: join(root, 'data'), cache: false });
      expect(dataset.train.count).toBe(20);
      expect(dataset.test.count).toBe(4);
      expect(dataset.train.height * dataset.train.width * dataset.train.channels).toBe(3072);
      expect([...dataset.train.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      expect(dataset.classes[9]).toBe('truck');
    }
  });
});

describe('image-folder loader', () => {
  it('decodes JPEG and PNG class folders from a directory and from a tar.gz with sorted class indices', async () => {
    const root = await tempDir();
    await writeImageFolder(join(root, 'src'), 3);
    await tarGz(join(root, 'src'), join(root, 'images.tar.gz'));
    for (const source of [join(root, 'src'), join(root, 'images.tar.gz')]) {
      const { dataset } = await loadDataset(source, { dataDir: join(root, 'data'), cache: false });
      expect(dataset.classes).toEqual(['a', 'b']);
      expect(dataset.train.count).toBe(6);
      expect(dataset.test.count).toBe(6);
      expect([dataset.train.height, dataset.train.width, dataset.train.channels]).toEqual([8, 8, 3]);
      expect([...dataset.train.labels]).toEqual([0, 0, 0, 1, 1, 1]);
      // class a is red, class b is blue (JPEG is lossy, so only roughly)
      expect(dataset.train.images[0]).toBeGreaterThan(150);
      expect(dataset.train.images[3 * 192 + 2]).toBeGreaterThan(150);
    }
  });

  it('rejects a path that is neither a directory nor an archive with BAD_USER_INPUT', async () => {
    await expect(loadDataset('/nonexistent/cifar', { cache: false })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('dataset cache', () => {
  it('serves the second load from the cache file with identical pixels and labels', async () => {
    const root = await tempDir();
    await writeImageFolder(join(root, 'src'), 2);
    const archive = join(root, 'images.tar.gz');
    await tarGz(join(root, 'src'), archive);
    const first = await loadDataset(archive, { dataDir: join(root, 'data') });
    const second = await loadDataset(archive, { dataDir: join(root, 'data') });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.cachePath).toBe(first.cachePath);
    expect(second.dataset.sourceHash).toBe(first.dataset.sourceHash);
    expect(Buffer.from(second.dataset.train.images).equals(Buffer.from(first.dataset.train.images))).toBe(true);
    expect([...second.dataset.test.labels]).toEqual([...first.dataset.test.labels]);
    expect(second.dataset.classes).toEqual(first.dataset.classes);
  });
});
