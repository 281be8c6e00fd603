// Tests of the candidate → quantized model builder: output shapes, parameter counts, rejected shapes.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/engine/model.js';
import type { Candidate } from '../../src/space/candidate.js';
import { conv, dense, tinyCandidate, tinyInput } from './candidates.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cifar = { height: 32, width: 32, channels: 3, bits: 8 };

describe('buildModel', () => {
  it.each<[string, Candidate, number[][]]>([
    ['a pooled conv with a skip', tinyCandidate, [[4, 4, 8], [4, 4, 8], [2]]],
    [
      'strided and valid convs',
      { input: cifar, layers: [conv(16, { stride: 2 }), conv(32, { padding: 'valid', kernelSize: 5 }), dense(10)] },
      [[16, 16, 16], [12, 12, 32], [10]],
    ],
    [
      'a CNV-like stack with pools and three dense layers',
      {
        input: cifar,
        layers: [
          conv(8, { padding: 'valid' }),
          conv(8, { padding: 'valid', maxPool: { size: 2, stride: 2 } }),
          conv(16, { padding: 'valid' }),
          dense(32),
          dense(32, { weightBits: 2, activationBits: 2 }),
          dense(10),
        ],
      },
      [[30, 30, 8], [14, 14, 8], [12, 12, 16], [32], [32], [10]],
    ],
    [
      'binary and fixed-point layers',
      {
        input: tinyInput,
        layers: [
          conv(4, { weightBits: 1, activationBits: 1 }),
          conv(4, { weightBits: 4, weightIntBits: 1, activationBits: 4, activationIntBits: 2 }),
          dense(3),
        ],
      },
      [[8, 8, 4], [8, 8, 4], [3]],
    ],
  ])('builds %s with the declared layer shapes and runs a forward pass', (_name, candidate, shapes) => {
    const model = buildModel(candidate);
    expect(model.layerShapes).toEqual(shapes);
    const out = tf.tidy(
      () => model.forward(tf.zeros([2, candidate.input.height, candidate.input.width, 3]), false).shape,
    );
    expect(out).toEqual([2, shapes[shapes.length - 1]?.[0]]);
    model.dispose();
  });

  it.each([0, 1, 7])('initializes every weight the same way twice for seed %i (seed 0 included)', (seed) => {
    const weights = () => {
      const model = buildModel(tinyCandidate, { seed });
      const values = model.trainable.map((v) => Array.from(v.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights()).toEqual(weights());
  });

  it('counts kernels, batch-norm scales and PACT clips as parameters', () => {
    const model = buildModel({ input: tinyInput, layers: [conv(4), dense(2)] });
    // conv 3·3·3·4 + bn 2·4 + alpha 1; dense 256·2 + bias 2
    expect(model.parameterCount).toBe(108 + 8 + 1 + 512 + 2);
    model.dispose();
  });

  it('rejects a skip whose shapes do not match and a net that shrinks below 1x1 with BAD_USER_INPUT', () => {
    expect(() => buildModel({ input: tinyInput, layers: [conv(4, { skip: true }), dense(2)] })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
    expect(() =>
      buildModel({ input: tinyInput, layers: [conv(4, { padding: 'valid', kernelSize: 9 }), dense(2)] }),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
