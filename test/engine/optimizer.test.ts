// Learning-rate schedules with linear warm-up: the rate climbs to the base over the warm-up steps, then the
// schedule spans the steps after it.
import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../src/engine/index.js';

describe('learningRateAt', () => {
  it('warms up linearly to the base rate, then decays by cosine to zero over the remaining steps', () => {
    const lr = (step: number) => learningRateAt('cosine', 0.1, step, 110, 10);
    expect([0, 4, 9].map(lr)).toEqual([0.01, 0.05, expect.closeTo(0.1, 12)]);
    expect(lr(10)).toBeCloseTo(0.1, 12);
    expect(lr(60)).toBeCloseTo(0.05, 12);
    expect(lr(109)).toBeLessThan(0.0001);
  });

  it('keeps the schedules as they were without warm-up', () => {
    expect(learningRateAt('cosine', 0.1, 50, 100)).toBeCloseTo(0.05, 12);
    expect(learningRateAt('step', 0.1, 60, 100)).toBeCloseTo(0.01, 12);
    expect(learningRateAt('constant', 0.1, 99, 100)).toBe(0.1);
  });
});
