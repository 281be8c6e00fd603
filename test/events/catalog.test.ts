// Unit tests of the event catalog: validation messages, upcasting, the typed builder and stream helpers.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asExperimentEvent,
  derivedEventId,
  timeOrderedEventId,
  eventCatalog,
  experimentIdFromStream,
  experimentStreamId,
  newEvent,
  registerEvent,
  registerUpcaster,
  validateEvent,
  ExperimentConfigShape,
} from '../../src/events/index.js';

const started = {
  experimentId: 'e1',
  name: 'first',
  config: ExperimentConfigShape.parse({ device: { maxLuts: 30000 } }),
  seed: 7,
};

describe('event catalog', () => {
  it('registers the eleven events of the first catalog at schema version 1', () => {
    for (const type of [
      'ExperimentStarted',
      'CandidateProposed',
      'HardwareEvaluated',
      'TrainingStarted',
      'EpochCompleted',
      'CandidateTrained',
      'RewardAssigned',
      'PolicyUpdated',
      'ExperimentCompleted',
      'ExperimentFailed',
      'ExperimentCancelled',
    ]) {
      expect(eventCatalog.currentVersion(type)).toBe(1);
    }
  });

  it('accepts valid data and keeps extra optional fields', () => {
    const result = validateEvent('ExperimentStarted', { ...started, note: 'extra' });
    expect(result).toEqual({ type: 'ExperimentStarted', schemaVersion: 1, data: { ...started, note: 'extra' } });
  });

  it('rejects a missing field with BAD_USER_INPUT naming the event type and the field', () => {
    const { seed: _seed, ...withoutSeed } = started;
    expect(() => validateEvent('ExperimentStarted', withoutSeed)).toThrow(/ExperimentStarted.*data\.seed/);
    try {
      validateEvent('ExperimentStarted', { ...started, seed: 'x' });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { eventType: 'ExperimentStarted', field: 'data.seed' },
      });
    }
  });

  it('names nested fields such as violations[0].limit', () => {
    const data = {
      experimentId: 'e',
      candidateId: 'c',
      device: 'zcu102',
      luts: 10,
      throughputFps: 5,
      latencyMs: 1,
      feasible: false,
      violations: [{ constraint: 'luts', limit: 'big', actual: 3 }],
      layers: [],
    };
    expect(() => validateEvent('HardwareEvaluated', data)).toThrow(/data\.violations\.0\.limit/);
  });

  it('rejects an unknown event type on append and lets it pass on read', () => {
    expect(() => validateEvent('Nope', {})).toThrow(/expected an event type from the catalog/);
    expect(validateEvent('Nope', { a: 1 }, 3, { allowUnknown: true })).toEqual({
      type: 'Nope',
      schemaVersion: 3,
      data: { a: 1 },
    });
  });

  it('upcasts old versions through the registered chain', () => {
    registerEvent({ type: 'TestRenamed', schemaVersion: 3, data: z.object({ total: z.number(), unit: z.string() }) });
    registerUpcaster('TestRenamed', 1, (data) => ({ total: (data as { sum: number }).sum }));
    registerUpcaster('TestRenamed', 2, (data) => ({ ...(data as object), unit: 'luts' }));
    expect(validateEvent('TestRenamed', { sum: 4 }, 1)).toEqual({
      type: 'TestRenamed',
      schemaVersion: 3,
      data: { total: 4, unit: 'luts' },
      upcastedFrom: 1,
    });
  });

  it('fails with ILLEGAL_STATE when an upcaster is missing', () => {
    registerEvent({ type: 'TestGap', schemaVersion: 2, data: z.object({}) });
    expect(() => validateEvent('TestGap', {}, 1)).toThrow(/registerUpcaster\('TestGap', 1/);
  });
});

describe('event helpers', () => {
  it('builds and parses experiment stream ids', () => {
    expect(experimentStreamId('abc')).toBe('experiment-abc');
    expect(experimentIdFromStream('experiment-abc')).toBe('abc');
    expect(experimentIdFromStream('other-abc')).toBeUndefined();
  });

  it('builds a typed event with a fresh id unless one is given', () => {
    const meta = { correlationId: 'e1', actor: 'cli' };
    const a = newEvent('ExperimentStarted', started, meta);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(newEvent('ExperimentCancelled', { experimentId: 'e1', reason: 'user' }, meta, { id: 'x' }).id).toBe('x');
  });

  it('derives the same uuid-shaped id from the same parts', () => {
    const id = derivedEventId('e1', 'proposed', 3);
    expect(id).toBe(derivedEventId('e1', 'proposed', 3));
    expect(id).not.toBe(derivedEventId('e1', 'proposed', 4));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives new events time-ordered version-7 ids that increase strictly, also within one millisecond', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => timeOrderedEventId());
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(
      true,
    );
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(5000);
    expect(parseInt(ids[0]!.slice(0, 8) + ids[0]!.slice(9, 13), 16)).toBeGreaterThanOrEqual(before);
    expect(
      newEvent('ExperimentCancelled', { experimentId: 'e1', reason: 'user' }, { correlationId: 'e1', actor: 'cli' })
        .id > ids[4999]!,
    ).toBe(true);
  });

  it('views a recorded event as the discriminated union', () => {
    const event = asExperimentEvent({ type: 'ExperimentStarted', data: started, metadata: { schemaVersion: 1 } });
    if (event?.type !== 'ExperimentStarted') throw new Error('expected ExperimentStarted');
    expect(event.data.seed).toBe(7);
    expect(asExperimentEvent({ type: 'Other', data: {} })).toBeUndefined();
  });
});
