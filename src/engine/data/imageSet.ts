// In-memory image sets: uint8 NHWC pixels plus one label byte per image, and the helpers that slice them.
// Every loader (CIFAR binary, image folders, the cache) produces these; the trainer consumes them.

/** N images of H×W×C uint8 pixels in NHWC order, with one class index per image. */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** A decoded dataset: class names, a training split and a test split (the test split is for final reports). */
export interface Dataset {
  readonly name: string;
  readonly classes: readonly string[];
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** sha256 of the source (archive bytes, or the names and sizes of a directory's files). */
  readonly sourceHash: string;
}

export function imageSize(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** Copies the images at `indices` (in that order) into a new set. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] ?? 0;
    images.set(set.images.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = set.labels[src] ?? 0;
  }
  return { images, labels, count: indices.length, height: set.height, width: set.width, channels: set.channels };
}

/** Concatenates sets of equal image shape. */
export function concatImageSets(sets: readonly ImageSet[], shape: Pick<ImageSet, 'height' | 'width' | 'channels'>): ImageSet {
  const size = imageSize(shape);
  const count = sets.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of sets) {
    images.set(s.images, at * size);
    labels.set(s.labels, at);
    at += s.count;
  }
  return { images, labels, count, ...shape };
}
