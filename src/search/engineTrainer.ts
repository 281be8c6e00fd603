// Adapts the training engine to the loop's CandidateTrainer: loads the dataset once (cached by the engine), proxy-
// trains each candidate in this process (on dataset.subset), trains final runs on the whole training split with test
// accuracy, trains the separate baseline's float phase at 16 bits, and computes zero-cost scores (training.zeroCost).
import type { Dataset, TrainOptions as EngineTrainOptions, TrainResult as EngineTrainResult } from '../engine/index.js';
import type { ExperimentConfig } from './config.js';
import type { Candidate } from './deps.js';
import type { CandidateTrainer, EpochReport, TrainOptions, TrainResult } from './ports.js';

/** Options of createEngineTrainer. */
export interface EngineTrainerOptions {
  /** Dataset source (dir or .tar.gz); overrides config.dataset.path. */
  dataPath?: string;
  /** Directory holding the decoded-dataset cache. @default COSEARCH_DATA_DIR or ./data */
  dataDir?: string;
  /**
   * Runs one training of the engine. A caller may pass a thread pool's (src/workers' createTrainPool), so that
   * several train() calls run at once on one shared copy of the dataset. @default the engine's trainCandidate, here
   */
  runTraining?: (candidate: Candidate, dataset: Dataset, options: EngineTrainOptions) => Promise<EngineTrainResult>;
}

/** "Float" for the architecture phase: 16-bit weights and activations, the widest the candidate format allows. */
const asFloat = (candidate: Candidate): Candidate => ({
  input: candidate.input,
  layers: candidate.layers.map((l) => {
    const { weightIntBits: _w, activationIntBits: _a, ...rest } = l;
    return { ...rest, weightBits: 16, activationBits: 16 };
  }),
});

/** Loads the dataset and selects the tfjs backend; throws BAD_USER_INPUT (from the engine) when data is missing. */
export const createEngineTrainer = async (
  config: ExperimentConfig,
  options: EngineTrainerOptions = {},
): Promise<CandidateTrainer> => {
  const source = options.dataPath ?? config.dataset.path;
  if (source === undefined) {
    throw new Error(
      'expected a dataset: set dataset.path in the config or pass --data <dir|tar.gz> (e.g. ../shared/datasets/cifar10-jpeg.tar.gz), or use --oracle',
    );
  }
  // Loaded lazily so oracle runs (and the API) never pay for tfjs training code.
  const { backendLabel, loadDataset, naswotScore, selectBackend, trainCandidate } = await import('../engine/index.js');
  const backend = await selectBackend();
  const { dataset } = await loadDataset(source, options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const d: Dataset = dataset;
  const validationFraction = config.dataset.validationSplit;
  const splitImages = d.train.count - Math.round(d.train.count * validationFraction); // as the engine splits
  const proxySubset = config.dataset.subset;
  const finalSubset = config.finalTraining.subset;
  return {
    backend: backendLabel(backend),
    trainImages: Math.min(proxySubset ?? splitImages, splitImages),
    finalTrainImages: Math.min(finalSubset ?? splitImages, splitImages),
    splitImages,
    async train(
      candidate: Candidate,
      train: TrainOptions,
      onEpoch: (e: EpochReport) => Promise<void> | void,
    ): Promise<TrainResult> {
      const final = train.final === true;
      // The subset is always passed: the engine's proxy mode would otherwise default to 5,000 images, not "all".
      const subset = (final ? finalSubset : (train.subset ?? proxySubset)) ?? splitImages;
      if (train.zeroCost !== undefined) {
        // One batch of the proxy's training images at the proxy's batch size; no epoch, so no onEpoch.
        const s = await naswotScore(candidate, d, {
          seed: train.seed,
          batchSize: train.batchSize,
          validationFraction,
          subset,
        });
        return { accuracy: s.score, zeroCost: s.kind, epochs: 0, trainSeconds: s.seconds, backend: s.backend };
      }
      const result = await (options.runTraining ?? trainCandidate)(
        train.float === true ? asFloat(candidate) : candidate,
        d,
        {
          epochs: train.epochs,
          batchSize: train.batchSize,
          learningRate: train.learningRate,
          seed: train.seed,
          validationFraction,
          subset,
          ...(train.augment === undefined ? {} : { augment: train.augment }),
          ...(train.warmupEpochs === undefined ? {} : { warmupEpochs: train.warmupEpochs }),
          ...(train.weightDecay === undefined ? {} : { weightDecay: train.weightDecay }),
          // A proxy run validates on at most 1,000 images; a final run on the whole validation split, and is tested.
          ...(final ? { evaluateTest: true } : { proxy: true }),
          ...(train.signal === undefined ? {} : { signal: train.signal }),
          onEpoch: (p) =>
            onEpoch({
              epoch: p.epoch,
              loss: p.loss,
              trainAccuracy: p.trainAccuracy,
              imagesPerSec: p.imagesPerSec,
              ...(p.valAccuracy === undefined ? {} : { valAccuracy: p.valAccuracy }),
            }),
        },
      );
      return {
        accuracy: result.accuracy,
        epochs: result.epochs,
        trainSeconds: result.trainSeconds,
        backend: result.backend,
        ...(result.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }),
      };
    },
  };
};
