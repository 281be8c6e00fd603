// Optimizers and learning-rate schedules for the trainer. Written on tfjs-core ops rather than tf.train.* so the
// learning rate can change every step (tfjs's Adam has no setter) and all state is disposed with the run.
import * as tf from '@tensorflow/tfjs-core';

export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type LrSchedule = 'constant' | 'cosine' | 'step';

/**
 * Learning rate at `step` of `totalSteps`: constant, cosine decay to 0, or ×0.1 at 50 % and 75 %, after a linear
 * warm-up from base/warmupSteps to base over the first `warmupSteps` steps (the schedule spans the steps after it).
 */
export function learningRateAt(
  schedule: LrSchedule,
  base: number,
  step: number,
  totalSteps: number,
  warmupSteps = 0,
): number {
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  const rest = totalSteps - warmupSteps;
  const t = rest <= 1 ? 0 : (step - warmupSteps) / rest;
  if (schedule === 'cosine') return base * 0.5 * (1 + Math.cos(Math.PI * t));
  if (schedule === 'step') return base * (t >= 0.75 ? 0.01 : t >= 0.5 ? 0.1 : 1);
  return base;
}

export interface EngineOptimizer {
  /** Applies gradients (keyed by variable name) with this step's learning rate. */
  apply(grads: tf.NamedTensorMap, learningRate: number): void;
  dispose(): void;
}

/** Creates an optimizer over `variables` (sgd, momentum 0.9 with Nesterov off, or Adam β=(0.9, 0.999)). */
export function createOptimizer(name: OptimizerName, variables: readonly tf.Variable[]): EngineOptimizer {
  const slots = new Map<string, tf.Variable[]>();
  const slot = (v: tf.Variable, count: number): tf.Variable[] => {
    let s = slots.get(v.name);
    if (!s) {
      s = Array.from({ length: count }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
      slots.set(v.name, s);
    }
    return s;
  };
  let t = 0;
  const apply = (grads: tf.NamedTensorMap, lr: number): void => {
    t += 1;
    tf.tidy(() => {
      for (const v of variables) {
        const g = grads[v.name];
        if (!g) continue;
        if (name === 'sgd') {
          v.assign(tf.sub(v, tf.mul(g, lr)));
        } else if (name === 'momentum') {
          const [m] = slot(v, 1) as [tf.Variable];
          m.assign(tf.add(tf.mul(m, 0.9), g));
          v.assign(tf.sub(v, tf.mul(m, lr)));
        } else {
          const [m, s] = slot(v, 2) as [tf.Variable, tf.Variable];
          m.assign(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)));
          s.assign(tf.add(tf.mul(s, 0.999), tf.mul(tf.square(g), 0.001)));
          const mHat = tf.div(m, 1 - 0.9 ** t);
          const sHat = tf.div(s, 1 - 0.999 ** t);
          v.assign(tf.sub(v, tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), 1e-8)), lr)));
        }
      }
    });
  };
  return {
    apply,
    dispose: () => {
      for (const s of slots.values()) s.forEach((v) => v.dispose());
      slots.clear();
    },
  };
}
