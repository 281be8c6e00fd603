// The accuracy oracle: a fixed, smooth formula of a candidate used instead of training in tests, dry runs and
// the joint-vs-separate comparison. Bigger networks score higher; fewer weight/activation bits cost accuracy.
import type { Candidate } from './deps.js';
import type { CandidateTrainer, EpochReport, TrainOptions, TrainResult } from './ports.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Accuracy lost by quantizing one operand to `bits` (about 0 at 8 bits, 2 % at 3 bits, 12 % at 1 bit). */
const bitPenalty = (bits: number): number => 0.12 * Math.exp(-0.9 * (bits - 1));

/** Multiply-accumulates per image, from the shapes (same rules as the space module). */
export const oracleMacs = (candidate: Candidate): number => {
  let h = candidate.input.height;
  let w = candidate.input.width;
  let c = candidate.input.channels;
  let macs = 0;
  for (const layer of candidate.layers) {
    if (layer.kind === 'conv') {
      const out = (n: number): number =>
        layer.padding === 'same'
          ? Math.ceil(n / layer.stride)
          : Math.max(1, Math.floor((n - layer.kernelSize) / layer.stride) + 1);
      const oh = out(h);
      const ow = out(w);
      macs += oh * ow * layer.filters * layer.kernelSize * layer.kernelSize * c;
      h = layer.maxPool ? Math.max(1, Math.floor((oh - layer.maxPool.size) / layer.maxPool.stride) + 1) : oh;
      w = layer.maxPool ? Math.max(1, Math.floor((ow - layer.maxPool.size) / layer.maxPool.stride) + 1) : ow;
      c = layer.filters;
    } else {
      macs += h * w * c * layer.units;
      h = 1;
      w = 1;
      c = layer.units;
    }
  }
  return macs;
};

/**
 * The oracle's validation accuracy in [0.1, 0.95]: capacity (log MACs) and depth raise it; each layer's weight
 * and activation bits lower it. `float` ignores the bits (the separate baseline's architecture phase).
 */
export const oracleAccuracy = (candidate: Candidate, options: { float?: boolean } = {}): number => {
  const convs = candidate.layers.filter((l) => l.kind === 'conv').length;
  const capacity = sigmoid((Math.log10(Math.max(oracleMacs(candidate), 1)) - 6.5) * 1.3);
  const depth = (0.04 * Math.min(convs, 10)) / 10;
  const float = 0.4 + 0.5 * capacity + depth;
  if (options.float === true) return Math.min(0.95, Math.max(0.1, float));
  const layers = candidate.layers.length;
  const penalty =
    candidate.layers.reduce((sum, l) => sum + bitPenalty(l.weightBits) + bitPenalty(l.activationBits), 0) /
    Math.max(layers, 1);
  return Math.min(0.95, Math.max(0.1, float - 1.5 * penalty));
};

/** Options of the oracle trainer. */
export interface OracleTrainerOptions {
  /** Milliseconds to wait per epoch, so a test can kill the process mid-training. @default 0 */
  epochDelayMs?: number;
  /** Reported as TrainingStarted.trainImages. @default 1000 */
  trainImages?: number;
}

/** A CandidateTrainer that "trains" by evaluating the oracle; deterministic, so proposals and rewards repeat exactly. */
export const createOracleTrainer = (options: OracleTrainerOptions = {}): CandidateTrainer => ({
  backend: 'oracle',
  trainImages: options.trainImages ?? 1000,
  async train(
    candidate: Candidate,
    train: TrainOptions,
    onEpoch: (epoch: EpochReport) => Promise<void> | void,
  ): Promise<TrainResult> {
    const accuracy = oracleAccuracy(candidate, { float: train.float === true });
    for (let epoch = 1; epoch <= train.epochs; epoch++) {
      if (options.epochDelayMs !== undefined && options.epochDelayMs > 0)
        await new Promise((r) => setTimeout(r, options.epochDelayMs));
      if (train.signal?.aborted === true) throw train.signal.reason;
      // Accuracy approaches its final value epoch by epoch so progress bars and projections see a curve.
      const valAccuracy = 0.1 + (accuracy - 0.1) * (epoch / train.epochs);
      await onEpoch({ epoch, loss: 2.3 * (1 - valAccuracy), trainAccuracy: valAccuracy, valAccuracy, imagesPerSec: 0 });
    }
    return { accuracy, epochs: train.epochs, trainSeconds: 0, backend: 'oracle' };
  },
});
