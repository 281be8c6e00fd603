// Trains one candidate with quantization-aware training and reports the accuracy of the quantized model on the
// validation split (the search reward) and, on request, the test split (final reports only).
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { CosearchError } from '../errors.js';
import type { Candidate } from '../space/index.js';
import { backendLabel } from './backend.js';
import {
  fillBatch,
  prepareData,
  type Dataset,
  type ImageSet,
  type Normalization,
  type PrepareDataOptions,
} from './data/index.js';
import { buildModel, type QuantModel } from './model.js';
import { createOptimizer, learningRateAt, type LrSchedule, type OptimizerName } from './optimizer.js';
import { createRng, shuffledIndices } from './rng.js';

export interface EpochProgress {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  trainAccuracy: number;
  /** Quantized accuracy on the validation split; absent when the split is empty. */
  valAccuracy?: number;
  imagesPerSec: number;
  /** Learning rate of the epoch's last step (the schedule spans the planned epochs). */
  learningRate: number;
}

export interface TrainOptions extends PrepareDataOptions {
  /** Passes over the training images. @default 10, or 2 in proxy mode */
  epochs?: number;
  /** @default 64 */
  batchSize?: number;
  /** @default 'momentum' */
  optimizer?: OptimizerName;
  /** Base learning rate. @default 0.05 for sgd, 0.01 for momentum, 0.002 for adam */
  learningRate?: number;
  /** @default 'cosine' */
  lrSchedule?: LrSchedule;
  /** L2 penalty on kernels and PACT clips. @default 5e-4 */
  weightDecay?: number;
  /** Label smoothing of the cross-entropy targets, in [0, 1): (1 − ε)·one-hot + ε/classes. @default 0 */
  labelSmoothing?: number;
  /** Proxy training for search: subset defaults to 5,000 images, validationSubset to 1,000, epochs to 2. */
  proxy?: boolean;
  /** Random crop (4 px padding) and horizontal flip. @default true */
  augment?: boolean;
  /** Epochs of linear learning-rate warm-up before the schedule starts (may be fractional). @default 0 */
  warmupEpochs?: number;
  /**
   * Wall-clock budget in minutes, counted from the first training step. Training stops after the epoch during
   * which the budget ran out (never mid-epoch) and still reports quantized validation (and test) accuracy. The lr
   * schedule spans the planned `epochs`, so a run stopped early ends above the schedule's final rate.
   * @default no budget
   */
  maxMinutes?: number;
  /** Also measure test accuracy at the end (final reports only). @default false */
  evaluateTest?: boolean;
  /** Called after every epoch (the search turns these into EpochCompleted events). */
  onEpoch?: (progress: EpochProgress) => void | Promise<void>;
  /** Called after every batch (progress bars). */
  onBatch?: (progress: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** Stops training between batches with an ILLEGAL_STATE error. */
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Accuracy of the quantized model on the validation split, 0..1. */
  accuracy: number;
  testAccuracy?: number;
  /** Epochs that ran: `plannedEpochs`, or fewer when `maxMinutes` ran out. */
  epochs: number;
  plannedEpochs: number;
  /** 'epochs' when every planned epoch ran, 'time' when `maxMinutes` stopped training early. */
  stopReason: 'epochs' | 'time';
  /** Wall seconds of the training loop (per-epoch validation included, final evaluation excluded). */
  trainSeconds: number;
  /**
   * CPU seconds (user + system, `process.cpuUsage`) over the same span. Process-wide: in a pool worker it also
   * counts the other threads, so it is per-candidate only when one candidate trains in the process.
   */
  cpuSeconds: number;
  /** Training images stepped over per wall second (images × epochs ÷ trainSeconds). */
  imagesPerSec: number;
  /**
   * Backend that trained, labelled as TrainingStarted records it (backendLabel): 'node' (tfjs-node), 'wasm',
   * 'wasm+blas' (wasm with the OpenBLAS conv kernels) or 'cpu'.
   */
  backend: string;
  trainImages: number;
  validationImages: number;
  history: EpochProgress[];
}

/** Our name of the active tfjs backend. */
export const activeBackend = (): string => (tf.getBackend() === 'tensorflow' ? 'node' : tf.getBackend());

const toTensors = (batch: { x: Float32Array; y: Int32Array }, set: ImageSet, classes: number) => ({
  x: tf.tensor4d(batch.x, [batch.y.length, set.height, set.width, set.channels]),
  y: tf.oneHot(tf.tensor1d(batch.y, 'int32'), classes),
});

/** Accuracy of the model (quantized weights and activations, moving batch-norm statistics) on a set. */
export function evaluateAccuracy(model: QuantModel, set: ImageSet, norm: Normalization, batchSize = 256): number {
  if (set.count === 0) return 0;
  const order = Array.from({ length: set.count }, (_, i) => i);
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const size = Math.min(batchSize, set.count - start);
    const batch = fillBatch(set, order, start, size, norm);
    correct += tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [size, set.height, set.width, set.channels]);
      const predicted = tf.argMax(model.forward(x, false), 1);
      return tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(batch.y, 'int32')), 'int32')).dataSync()[0] ?? 0;
    });
  }
  return correct / set.count;
}

function assertFits(candidate: Candidate, data: Dataset): void {
  const { input } = candidate;
  const { train } = data;
  const classes = candidate.layers[candidate.layers.length - 1];
  if (input.height !== train.height || input.width !== train.width || input.channels !== train.channels) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected images of ${input.height}x${input.width}x${input.channels} (the candidate's input), but the dataset has ${train.height}x${train.width}x${train.channels}`,
    );
  }
  if (classes?.kind !== 'dense' || classes.units !== data.classes.length) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected the candidate's last dense layer to have ${data.classes.length} units (the dataset's classes), but it has ${classes?.kind === 'dense' ? classes.units : 'no dense layer'}`,
    );
  }
}

/** Throws BAD_USER_INPUT unless `value` is absent or passes `ok`; `expected` completes "expected <name> to be …". */
function assertOption(name: string, value: number | undefined, ok: (v: number) => boolean, expected: string): void {
  if (value !== undefined && !ok(value)) {
    throw new CosearchError('BAD_USER_INPUT', `expected ${name} to be ${expected}, but got ${value}`);
  }
}

function assertOptions(options: TrainOptions): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  assertOption('epochs', options.epochs, positiveInt, 'a whole number ≥ 1');
  assertOption('batchSize', options.batchSize, positiveInt, 'a whole number ≥ 1');
  assertOption('subset', options.subset, positiveInt, 'a whole number ≥ 1');
  assertOption('maxMinutes', options.maxMinutes, (v) => Number.isFinite(v) && v > 0, 'a number of minutes > 0');
  assertOption('learningRate', options.learningRate, (v) => Number.isFinite(v) && v > 0, 'a number > 0');
  assertOption('weightDecay', options.weightDecay, (v) => Number.isFinite(v) && v >= 0, 'a number ≥ 0');
  assertOption('labelSmoothing', options.labelSmoothing, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  assertOption(
    'warmupEpochs',
    options.warmupEpochs,
    (v) => Number.isFinite(v) && v >= 0 && v < (options.epochs ?? Infinity),
    'a number of epochs ≥ 0 and below epochs',
  );
}

const cpuSecondsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Trains a candidate on a decoded dataset; every tensor is disposed before it returns. */
export async function trainCandidate(
  candidate: Candidate,
  dataset: Dataset,
  options: TrainOptions = {},
): Promise<TrainResult> {
  assertFits(candidate, dataset);
  assertOptions(options);
  const proxy = options.proxy ?? false;
  const data = prepareData(dataset, {
    ...options,
    ...(proxy ? { subset: options.subset ?? 5000, validationSubset: options.validationSubset ?? 1000 } : {}),
  });
  const epochs = options.epochs ?? (proxy ? 2 : 10);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 64, data.train.count));
  const optimizerName = options.optimizer ?? 'momentum';
  // Momentum 0.9 at 0.05 diverged in the first steps on CIFAR-10 (loss ≈ 15); 0.01 trains steadily.
  const baseLr = options.learningRate ?? { sgd: 0.05, momentum: 0.01, adam: 0.002 }[optimizerName];
  const schedule = options.lrSchedule ?? 'cosine';
  const weightDecay = options.weightDecay ?? 5e-4;
  const labelSmoothing = options.labelSmoothing ?? 0;
  const seed = options.seed ?? 0;
  const classes = dataset.classes.length;
  const batches = Math.floor(data.train.count / batchSize);
  if (batches === 0)
    throw new CosearchError(
      'BAD_USER_INPUT',
      'expected at least one training image after the split and subset, but got none',
    );
  const budgetMs = options.maxMinutes === undefined ? Infinity : options.maxMinutes * 60_000;
  const warmupSteps = Math.round((options.warmupEpochs ?? 0) * batches);

  await tf.ready();
  const model = buildModel(candidate, { seed });
  const optimizer = createOptimizer(optimizerName, model.trainable);
  const augment = createRng(seed ^ 0x5eed);
  const history: EpochProgress[] = [];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffledIndices(data.train.count, createRng(seed * 7919 + epoch));
      let lossSum = 0;
      let correct = 0;
      let lr = baseLr;
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted) throw new CosearchError('ILLEGAL_STATE', 'training was cancelled');
        const batch = fillBatch(
          data.train,
          order,
          b * batchSize,
          batchSize,
          data.normalization,
          options.augment === false ? {} : { augment },
        );
        // The schedule spans the planned epochs even under maxMinutes, so it does not depend on machine speed.
        lr = learningRateAt(schedule, baseLr, (epoch - 1) * batches + b, epochs * batches, warmupSteps);
        const stepLr = lr;
        const [loss, hits] = tf.tidy(() => {
          const { x, y } = toTensors(batch, data.train, classes);
          let hitCount: tf.Scalar | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.forward(x, true);
            hitCount = tf.keep(tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')));
            const ce = tf.losses.softmaxCrossEntropy(y, logits, undefined, labelSmoothing);
            const l2 = tf.addN(model.decayed.map((v) => tf.sum(tf.square(v))));
            return tf.add(ce, tf.mul(l2, weightDecay / 2)) as tf.Scalar;
          }, model.trainable);
          optimizer.apply(grads, stepLr);
          const hitValue = hitCount?.dataSync()[0] ?? 0;
          hitCount?.dispose(); // kept tensors outlive every tidy scope
          return [value.dataSync()[0] ?? 0, hitValue];
        });
        lossSum += loss;
        correct += hits;
        options.onBatch?.({ epoch, batch: b + 1, batches, loss });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const progress: EpochProgress = {
        epoch,
        loss: lossSum / batches,
        trainAccuracy: correct / (batches * batchSize),
        ...(data.validation.count > 0
          ? { valAccuracy: evaluateAccuracy(model, data.validation, data.normalization) }
          : {}),
        imagesPerSec: (batches * batchSize) / Math.max(seconds, 1e-9),
        learningRate: lr,
      };
      history.push(progress);
      await options.onEpoch?.(progress);
      if (performance.now() - started >= budgetMs) break;
    }
    const trainSeconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSecondsSince(cpuStart);
    return {
      accuracy: evaluateAccuracy(model, data.validation, data.normalization),
      ...(options.evaluateTest ? { testAccuracy: evaluateAccuracy(model, data.test, data.normalization) } : {}),
      epochs: history.length,
      plannedEpochs: epochs,
      stopReason: history.length < epochs ? 'time' : 'epochs',
      trainSeconds,
      cpuSeconds,
      imagesPerSec: (history.length * batches * batchSize) / Math.max(trainSeconds, 1e-9),
      backend: backendLabel(activeBackend()),
      trainImages: data.train.count,
      validationImages: data.validation.count,
      history,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
