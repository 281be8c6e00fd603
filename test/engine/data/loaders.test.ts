// Tests of the CIFAR-10 binary and image-folder loaders, from directories and from .tar.gz archives, and the cache.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
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

  it('rejects CIFAR-10 batches without test_batch.bin with BAD_USER_INPUT counting what it found', async () => {
    const root = await tempDir();
    await writeCifarBinary(root, 2);
    await rm(join(root, 'cifar-10-batches-bin/test_batch.bin'));
    await expect(loadDataset(root, { cache: false })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: expect.stringContaining('but found 5 training and 0 test batches'),
    });
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

  it('rejects images of different sizes with BAD_USER_INPUT naming the odd file', async () => {
    const root = await tempDir();
    await writeImageFolder(join(root, 'src'), 2);
    const odd = new PNG({ width: 4, height: 4 });
    await writeFile(join(root, 'src/set/train/a/odd.png'), PNG.sync.write(odd));
    await expect(loadDataset(join(root, 'src'), { cache: false })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: expect.stringMatching(/expected every image to be 8x8 like the first, but set\/train\/a\/odd\.png is 4x4/),
    });
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

  it('decodes again into a new cache file when the source changes, and ignores a corrupt cache file', async () => {
    const root = await tempDir();
    await writeImageFolder(join(root, 'src'), 2);
    const dataDir = join(root, 'data');
    const first = await loadDataset(join(root, 'src'), { dataDir });
    await writeImageFolder(join(root, 'src'), 3);
    const changed = await loadDataset(join(root, 'src'), { dataDir });
    expect(changed.fromCache).toBe(false);
    expect(changed.cachePath).not.toBe(first.cachePath);
    expect(changed.dataset.train.count).toBe(6);
    await writeFile(changed.cachePath, Buffer.concat([Buffer.from('COSDS001'), Buffer.from([9, 0, 0, 0]), Buffer.from('{"version"')]));
    const afterCorruption = await loadDataset(join(root, 'src'), { dataDir });
    expect(afterCorruption.fromCache).toBe(false);
    expect(afterCorruption.dataset.train.count).toBe(6);
    expect((await loadDataset(join(root, 'src'), { dataDir })).fromCache).toBe(true);
  });
});
