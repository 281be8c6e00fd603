// Loader for image folders laid out as `[prefix/]split/class/*.jpg|png` (split = train | test), from a directory
// or a .tar.gz. JPEGs decode with jpeg-js and PNGs with pngjs (both pure JS); classes are sorted by name.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { CosearchError } from '../../errors.js';
import type { Dataset, ImageSet } from './imageSet.js';
import type { SourceFile } from './sourceFiles.js';

const IMAGE_FILE = /\.(jpe?g|png)$/i;
const SPLITS = ['train', 'test'] as const;

interface Placed {
  split: (typeof SPLITS)[number];
  className: string;
  file: SourceFile;
}

function place(file: SourceFile): Placed | undefined {
  const parts = file.path.split('/');
  const split = parts[parts.length - 3];
  const className = parts[parts.length - 2];
  if (split !== 'train' && split !== 'test') return undefined;
  if (className === undefined) return undefined;
  return { split, className, file };
}

/** Decodes one JPEG or PNG to RGB bytes. */
export function decodeImage(path: string, data: Buffer): { width: number; height: number; rgb: Uint8Array } {
  let width: number;
  let height: number;
  let pixels: Uint8Array;
  let stride: number;
  if (/\.png$/i.test(path)) {
    const png = PNG.sync.read(data);
    ({ width, height } = png);
    pixels = png.data;
    stride = 4;
  } else {
    const img = jpeg.decode(data, { useTArray: true, formatAsRGBA: false });
    ({ width, height } = img);
    pixels = img.data;
    stride = pixels.length / (width * height);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = pixels[p * stride + (stride >= 3 ? c : 0)] ?? 0;
  }
  return { width, height, rgb };
}

function decodeSplit(items: Placed[], classes: readonly string[]): ImageSet {
  let height = 0;
  let width = 0;
  let images = new Uint8Array(0);
  const labels = new Uint8Array(items.length);
  items.forEach((item, n) => {
    const img = decodeImage(item.file.path, item.file.data);
    if (n === 0) {
      ({ height, width } = img);
      images = new Uint8Array(items.length * height * width * 3);
    } else if (img.height !== height || img.width !== width) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected every image to be ${width}x${height} like the first, but ${item.file.path} is ${img.width}x${img.height}; resize the folder first`,
      );
    }
    images.set(img.rgb, n * height * width * 3);
    labels[n] = classes.indexOf(item.className);
  });
  return { images, labels, count: items.length, height, width, channels: 3 };
}

/** True for the files the image-folder loader reads (JPEG/PNG, no hidden paths). */
export const wantsImagePath = (path: string): boolean =>
  IMAGE_FILE.test(path) && !path.split('/').some((s) => s.startsWith('.'));

/** Builds a dataset from the `train/<class>/` and `test/<class>/` images of a source. */
export function datasetFromImageFolder(files: readonly SourceFile[], source: string, sourceHash: string): Dataset {
  const placed = files.map(place).filter((p): p is Placed => p !== undefined);
  const classes = [...new Set(placed.map((p) => p.className))].sort();
  const bySplit = (split: Placed['split']) => placed.filter((p) => p.split === split);
  const train = bySplit('train');
  const test = bySplit('test');
  if (train.length === 0 || test.length === 0 || classes.length > 256) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected images under train/<class>/ and test/<class>/ in '${source}' (at most 256 classes), but found ` +
        `${train.length} training and ${test.length} test images in ${classes.length} classes`,
    );
  }
  const trainSet = decodeSplit(train, classes);
  const testSet = decodeSplit(test, classes);
  if (trainSet.height !== testSet.height || trainSet.width !== testSet.width) {
    throw new CosearchError('BAD_USER_INPUT', `expected train and test images of one size, but got ${trainSet.width}x${trainSet.height} and ${testSet.width}x${testSet.height}`);
  }
  return { name: 'images', classes, train: trainSet, test: testSet, sourceHash };
}
