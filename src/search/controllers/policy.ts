// The RL controller's policy: a 1-layer LSTM (tfjs, cpu backend for bit-exact repeatability) that emits one
// softmax per action dim, a shared head per dim kind; REINFORCE updates with a hand-written Adam whose whole
// state (weights, moments, step) serializes to base64 float32 for PolicyUpdated checkpoints.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' Node bundle registers all of them on load.
import '@tensorflow/tfjs-layers';
import { createRng, type ActionDim, type Rng } from '../deps.js';

/** Options of the policy network. */
export interface PolicyOptions {
  /** LSTM hidden size. @default 100 */
  hiddenSize: number;
  /** Size of the embedding of the previous action. @default 32 */
  embeddingSize: number;
  /** Adam learning rate. @default 0.01 */
  learningRate: number;
  /** Seed of the weight initialization. */
  seed: number;
}

/** A serialized tensor: shape plus little-endian float32 bytes in base64. */
export interface EncodedTensor {
  shape: number[];
  data: string;
}

/** Everything the policy needs to continue exactly: weights, Adam moments and step. */
export interface PolicyCheckpoint {
  format: 'cosearch-policy-v1';
  step: number;
  weights: EncodedTensor[];
  m: EncodedTensor[];
  v: EncodedTensor[];
}

const encode = (values: Float32Array, shape: number[]): EncodedTensor => ({
  shape,
  data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64'),
});

const decode = (encoded: EncodedTensor): Float32Array => {
  const bytes = Buffer.from(encoded.data, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
};

/** Runs `fn` on the cpu backend and switches back, so a wasm/tensorflow trainer in the same process is unaffected. */
const onCpu = async <T>(fn: () => T): Promise<T> => {
  const previous = tf.getBackend();
  if (previous !== 'cpu') await tf.setBackend('cpu');
  try {
    return fn();
  } finally {
    if (previous !== undefined && previous !== 'cpu') await tf.setBackend(previous);
  }
};

export interface Policy {
  /** Samples one action per dim with `rng`; returns the actions and their log-probabilities. */
  sample(rng: Rng): Promise<{ actions: number[]; logProbs: number[] }>;
  /** One REINFORCE step: minimizes -mean(advantage · Σ used log π(a)). Returns the loss. */
  update(
    batch: ReadonlyArray<{ actions: readonly number[]; used: readonly boolean[]; advantage: number }>,
  ): Promise<number>;
  /** Log-probability of a whole action vector (all dims) under the current weights. */
  logProb(actions: readonly number[]): Promise<number>;
  checkpoint(): PolicyCheckpoint;
  restore(checkpoint: PolicyCheckpoint): void;
  dispose(): void;
}

export const createPolicy = (dims: readonly ActionDim[], options: PolicyOptions): Policy => {
  const kinds = [...new Set(dims.map((d) => d.kind))];
  const kindIndex = dims.map((d) => kinds.indexOf(d.kind));
  const kindSize = kinds.map((k) => dims.find((d) => d.kind === k)?.size ?? 1);
  // Token 0 is the start token; each kind's choices get their own embedding rows.
  const tokenOffset: number[] = [];
  let tokens = 1;
  for (const size of kindSize) {
    tokenOffset.push(tokens);
    tokens += size;
  }
  const H = options.hiddenSize;
  const E = options.embeddingSize;
  const shapes: number[][] = [[tokens, E], [E + H, 4 * H], [4 * H], ...kindSize.flatMap((s) => [[H, s], [s]])];
  const init = createRng(options.seed);
  const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const uniform = (shape: number[]): Float32Array =>
    Float32Array.from({ length: sizeOf(shape) }, () => (init.next() * 2 - 1) * 0.1);
  let weights: tf.Variable[] = [];
  let m: Float32Array[] = [];
  let v: Float32Array[] = [];
  let step = 0;
  const setState = (w: Float32Array[], mm: Float32Array[], vv: Float32Array[], s: number): void => {
    for (const old of weights) old.dispose();
    weights = tf.tidy(() => w.map((values, i) => tf.variable(tf.tensor(values, shapes[i]), true)));
    m = mm;
    v = vv;
    step = s;
  };
  setState(
    shapes.map(uniform),
    shapes.map((s) => new Float32Array(sizeOf(s))),
    shapes.map((s) => new Float32Array(sizeOf(s))),
    0,
  );
  const [embed, kernel, bias] = [0, 1, 2].map((i) => () => weights[i] as tf.Variable);
  const head = (kind: number): [tf.Tensor2D, tf.Tensor1D] => [
    weights[3 + 2 * kind] as tf.Tensor2D,
    weights[4 + 2 * kind] as tf.Tensor1D,
  ];
  const forgetBias = 1.0;

  /** Log-softmax of every dim's logits for a batch of action sequences (teacher forcing). */
  const logProbsOf = (sequences: readonly (readonly number[])[]): tf.Tensor2D[] => {
    const n = sequences.length;
    let c: tf.Tensor2D = tf.zeros([n, H]);
    let h: tf.Tensor2D = tf.zeros([n, H]);
    let token = tf.tensor1d(new Int32Array(n), 'int32');
    const out: tf.Tensor2D[] = [];
    dims.forEach((_, t) => {
      const k = kindIndex[t] ?? 0;
      const x = tf.gather(embed!(), token) as tf.Tensor2D;
      [c, h] = tf.basicLSTMCell(forgetBias, kernel!() as tf.Tensor2D, bias!() as tf.Tensor1D, x, c, h);
      const [w, b] = head(k);
      out.push(tf.logSoftmax(tf.add(tf.matMul(h, w), b)) as tf.Tensor2D);
      token = tf.tensor1d(
        Int32Array.from(sequences, (s) => (tokenOffset[k] ?? 0) + (s[t] ?? 0)),
        'int32',
      );
    });
    return out;
  };

  return {
    async sample(rng: Rng) {
      return onCpu(() =>
        tf.tidy(() => {
          const actions: number[] = [];
          const logProbs: number[] = [];
          let c: tf.Tensor2D = tf.zeros([1, H]);
          let h: tf.Tensor2D = tf.zeros([1, H]);
          let token = 0;
          dims.forEach((_, t) => {
            const k = kindIndex[t] ?? 0;
            const x = tf.gather(embed!(), tf.tensor1d([token], 'int32')) as tf.Tensor2D;
            [c, h] = tf.basicLSTMCell(forgetBias, kernel!() as tf.Tensor2D, bias!() as tf.Tensor1D, x, c, h);
            const [w, b] = head(k);
            const logp = tf.logSoftmax(tf.add(tf.matMul(h, w), b)).dataSync();
            // Inverse-CDF draw from the experiment rng, so the rng position fully determines the sample.
            const u = rng.next();
            let a = 0;
            let cumulative = 0;
            for (; a < logp.length - 1; a++) {
              cumulative += Math.exp(logp[a] ?? -Infinity);
              if (u < cumulative) break;
            }
            actions.push(a);
            logProbs.push(logp[a] ?? 0);
            token = (tokenOffset[k] ?? 0) + a;
          });
          return { actions, logProbs };
        }),
      );
    },
    async update(batch) {
      return onCpu(() => {
        const { value, grads } = tf.variableGrads(() => {
          const logps = logProbsOf(batch.map((b) => b.actions));
          let total: tf.Tensor = tf.zeros([batch.length]);
          logps.forEach((lp, t) => {
            const chosen = tf.oneHot(
              tf.tensor1d(
                batch.map((b) => b.actions[t] ?? 0),
                'int32',
              ),
              lp.shape[1],
            );
            const used = tf.tensor1d(batch.map((b) => (b.used[t] === true ? 1 : 0)));
            total = tf.add(total, tf.mul(tf.sum(tf.mul(lp, chosen), 1), used));
          });
          const advantage = tf.tensor1d(batch.map((b) => b.advantage));
          return tf.neg(tf.mean(tf.mul(advantage, total))) as tf.Scalar;
        }, weights);
        step += 1;
        const [b1, b2, eps] = [0.9, 0.999, 1e-8];
        const lrT = (options.learningRate * Math.sqrt(1 - b2 ** step)) / (1 - b1 ** step);
        weights.forEach((w, i) => {
          const g = grads[w.name];
          if (g === undefined) return;
          const [mi, vi] = tf.tidy(() => {
            const mNew = tf.add(tf.mul(tf.tensor(m[i] ?? new Float32Array(0), w.shape), b1), tf.mul(g, 1 - b1));
            const vNew = tf.add(
              tf.mul(tf.tensor(v[i] ?? new Float32Array(0), w.shape), b2),
              tf.mul(tf.square(g), 1 - b2),
            );
            w.assign(tf.sub(w, tf.div(tf.mul(mNew, lrT), tf.add(tf.sqrt(vNew), eps))));
            return [mNew.dataSync() as Float32Array, vNew.dataSync() as Float32Array];
          });
          m[i] = Float32Array.from(mi);
          v[i] = Float32Array.from(vi);
        });
        const loss = value.dataSync()[0] ?? 0;
        value.dispose();
        Object.values(grads).forEach((g) => g.dispose());
        return loss;
      });
    },
    async logProb(actions) {
      return onCpu(() =>
        tf.tidy(() => logProbsOf([actions]).reduce((sum, lp, t) => sum + (lp.dataSync()[actions[t] ?? 0] ?? 0), 0)),
      );
    },
    checkpoint: () => ({
      format: 'cosearch-policy-v1',
      step,
      weights: weights.map((w, i) => encode(w.dataSync() as Float32Array, shapes[i] ?? [])),
      m: m.map((x, i) => encode(x, shapes[i] ?? [])),
      v: v.map((x, i) => encode(x, shapes[i] ?? [])),
    }),
    restore(checkpoint: PolicyCheckpoint) {
      if (checkpoint.weights.length !== shapes.length) {
        throw new Error(
          `policy checkpoint expects ${shapes.length} tensors, but got ${checkpoint.weights.length}; it was saved for another space or size`,
        );
      }
      setState(checkpoint.weights.map(decode), checkpoint.m.map(decode), checkpoint.v.map(decode), checkpoint.step);
    },
    dispose() {
      for (const w of weights) w.dispose();
      weights = [];
    },
  };
};
