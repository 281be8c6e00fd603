// Test fixtures for the data loaders: tiny CIFAR-10 binary batches and tiny JPEG/PNG class folders in a temp dir.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { c as createTar } from 'tar';
import type { ImageSet } from '../../../src/engine/data/index.js';

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'cosearch-data-'));

/** One CIFAR record whose R plane is filled with `label*10`, G with `index`, B with 7. */
export function cifarRecord(label: number, index: number): Uint8Array {
  const rec = new Uint8Array(3073);
  rec[0] = label;
  rec.fill(label * 10, 1, 1025);
  rec.fill(index % 256, 1025, 2049);
  rec.fill(7, 2049, 3073);
  return rec;
}

/** Writes cifar-10-batches-bin/ with `perBatch` records in each of 5 training batches and the test batch. */
export async function writeCifarBinary(root: string, perBatch: number): Promise<void> {
  const dir = join(root, 'cifar-10-batches-bin');
  await mkdir(dir, { recursive: true });
  const batch = (offset: number) => Buffer.concat(Array.from({ length: perBatch }, (_, i) => cifarRecord((offset + i) % 10, offset + i)));
  for (let b = 1; b <= 5; b++) await writeFile(join(dir, `data_batch_${b}.bin`), batch((b - 1) * perBatch));
  await writeFile(join(dir, 'test_batch.bin'), batch(1000));
  await writeFile(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
}

/** Writes split/class/*.jpg|png images of a flat colour per class (red-ish for 'a', blue-ish for 'b'). */
export async function writeImageFolder(root: string, perClass: number, size = 8): Promise<void> {
  for (const split of ['train', 'test']) {
    for (const [k, cls] of ['a', 'b'].entries()) {
      const dir = join(root, 'set', split, cls);
      await mkdir(dir, { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const rgba = Buffer.alloc(size * size * 4);
        for (let p = 0; p < size * size; p++) rgba.set([k === 0 ? 200 : 20, 100, k === 0 ? 20 : 200, 255], p * 4);
        if (i % 2 === 0) {
          await writeFile(join(dir, `${i}.jpg`), jpeg.encode({ data: rgba, width: size, height: size }, 95).data);
        } else {
          const png = new PNG({ width: size, height: size });
          rgba.copy(png.data);
          await writeFile(join(dir, `${i}.png`), PNG.sync.write(png));
        }
      }
    }
  }
}

export async function tarGz(cwd: string, file: string): Promise<void> {
  await createTar({ gzip: true, file, cwd }, ['.']);
}

/** Writes an image set as lossless PNGs under `root/<split>/<class>/<index>.png` (the image-folder layout). */
export async function writeImageSetAsPng(root: string, split: 'train' | 'test', set: ImageSet, classes: readonly string[]): Promise<void> {
  const { height, width, channels } = set;
  for (const cls of classes) await mkdir(join(root, split, cls), { recursive: true });
  for (let n = 0; n < set.count; n++) {
    const png = new PNG({ width, height });
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) png.data[p * 4 + c] = set.images[(n * width * height + p) * channels + Math.min(c, channels - 1)] ?? 0;
      png.data[p * 4 + 3] = 255;
    }
    const cls = classes[set.labels[n] ?? 0] ?? 'unknown';
    await writeFile(join(root, split, cls, `${String(n).padStart(5, '0')}.png`), PNG.sync.write(png));
  }
}
