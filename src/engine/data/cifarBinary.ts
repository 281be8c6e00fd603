// Loader for the official CIFAR-10 binary release (cifar-10-batches-bin/data_batch_{1..5}.bin, test_batch.bin):
// records of 1 label byte + 3072 channel-planar pixel bytes, converted here to NHWC.
import { CosearchError } from '../../errors.js';
import type { Dataset, ImageSet } from './imageSet.js';
import type { SourceFile } from './sourceFiles.js';

export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILE = /(^|\/)data_batch_[1-5]\.bin$/;
const TEST_FILE = /(^|\/)test_batch\.bin$/;
const META_FILE = /(^|\/)batches\.meta\.txt$/;

/** Decodes concatenated CIFAR-10 binary records into an NHWC image set. */
export function decodeCifarRecords(bytes: Uint8Array, origin = 'CIFAR-10 batch'): ImageSet {
  if (bytes.length % RECORD !== 0) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected ${origin} to hold whole ${RECORD}-byte records (1 label + 3072 pixels), but it has ${bytes.length} bytes; ` +
        'is the file truncated or not the binary version of CIFAR-10?',
    );
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const base = n * RECORD;
    labels[n] = bytes[base] ?? 0;
    const out = n * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[out + p * 3] = bytes[base + 1 + p] ?? 0;
      images[out + p * 3 + 1] = bytes[base + 1 + PLANE + p] ?? 0;
      images[out + p * 3 + 2] = bytes[base + 1 + 2 * PLANE + p] ?? 0;
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

/** True when the source holds CIFAR-10 binary batches (checked by file names). */
export const isCifarBinaryPath = (path: string): boolean => TRAIN_FILE.test(path) || TEST_FILE.test(path);

/** True for the files the CIFAR-10 binary loader reads (batches and the class-name list). */
export const wantsCifarBinaryPath = (path: string): boolean => isCifarBinaryPath(path) || META_FILE.test(path);

/** Builds a dataset from the CIFAR-10 binary files of a source (directory or cifar-10-binary.tar.gz). */
export function datasetFromCifarBinary(files: readonly SourceFile[], source: string, sourceHash: string): Dataset {
  const train = files.filter((f) => TRAIN_FILE.test(f.path));
  const test = files.filter((f) => TEST_FILE.test(f.path));
  if (train.length === 0 || test.length === 0) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected data_batch_N.bin and test_batch.bin in '${source}', but found ${train.length} training and ${test.length} test batches`,
    );
  }
  const meta = files.find((f) => META_FILE.test(f.path));
  const names = meta ? meta.data.toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0) : [];
  return {
    name: 'cifar10',
    classes: names.length === 10 ? names : [...CIFAR10_CLASSES],
    train: decodeCifarRecords(Buffer.concat(train.map((f) => f.data)), train.map((f) => f.path).join(', ')),
    test: decodeCifarRecords(Buffer.concat(test.map((f) => f.data)), test.map((f) => f.path).join(', ')),
    sourceHash,
  };
}
