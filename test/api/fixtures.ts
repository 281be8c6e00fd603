// Event fixtures for the API tests: an experiment started and candidates proposed, as a running search would append.
import { randomUUID } from 'node:crypto';
import { experimentStreamId, newEvent } from '../../src/events/index.js';
import type { EventStore } from '../../src/store/eventStore.js';

export const startExperimentDirectly = async (store: EventStore, experimentId = randomUUID()): Promise<string> => {
  await store.append(
    experimentStreamId(experimentId),
    [
      newEvent(
        'ExperimentStarted',
        { experimentId, name: 'fixture', config: { name: 'fixture' }, seed: 7 },
        { correlationId: experimentId, actor: 'test' },
      ),
    ],
    'no_stream',
  );
  return experimentId;
};

/** Appends CandidateProposed + HardwareEvaluated + RewardAssigned for candidate `index` (3 events). */
export const appendCandidate = async (
  store: EventStore,
  experimentId: string,
  index: number,
  feasible = false,
): Promise<void> => {
  const candidateId = randomUUID();
  const metadata = { correlationId: experimentId, actor: 'system' };
  await store.append(
    experimentStreamId(experimentId),
    [
      newEvent(
        'CandidateProposed',
        {
          experimentId,
          candidateId,
          index,
          candidate: { input: { height: 32, width: 32, channels: 3, bits: 8 }, layers: [] },
          actions: [1, 2],
          logProbs: [-0.5, -0.7],
          rng: { seed: 7, position: index },
          controller: 'random',
        },
        metadata,
      ),
      newEvent(
        'HardwareEvaluated',
        {
          experimentId,
          candidateId,
          device: 'zynq7020',
          luts: 1000 + index,
          throughputFps: 500,
          latencyMs: 2,
          feasible,
          violations: [],
          layers: [],
        },
        metadata,
      ),
      newEvent('RewardAssigned', { experimentId, candidateId, reward: -0.1, reason: 'infeasible' }, metadata),
    ],
    'any',
  );
};

/** Appends a feasible candidate that trains to `accuracy` with `luts` (6 events); returns its id. */
export const appendTrainedCandidate = async (
  store: EventStore,
  experimentId: string,
  index: number,
  accuracy: number,
  luts: number,
): Promise<string> => {
  const candidateId = randomUUID();
  const metadata = { correlationId: experimentId, actor: 'system' };
  await store.append(
    experimentStreamId(experimentId),
    [
      newEvent(
        'CandidateProposed',
        {
          experimentId,
          candidateId,
          index,
          candidate: { input: { height: 32, width: 32, channels: 3, bits: 8 }, layers: [] },
          actions: [index],
          logProbs: [-1],
          rng: { seed: 7, position: index },
          controller: 'rl',
        },
        metadata,
      ),
      newEvent(
        'HardwareEvaluated',
        {
          experimentId,
          candidateId,
          device: 'zynq7020',
          luts,
          throughputFps: 2000,
          latencyMs: 1,
          feasible: true,
          violations: [],
          layers: [],
        },
        metadata,
      ),
      newEvent(
        'TrainingStarted',
        { experimentId, candidateId, backend: 'oracle', epochs: 1, batchSize: 64, trainImages: 100 },
        metadata,
      ),
      newEvent(
        'EpochCompleted',
        {
          experimentId,
          candidateId,
          epoch: 0,
          loss: 1.5,
          trainAccuracy: accuracy - 0.05,
          valAccuracy: accuracy,
          imagesPerSec: 300,
        },
        metadata,
      ),
      newEvent(
        'CandidateTrained',
        { experimentId, candidateId, accuracy, epochs: 1, trainSeconds: 2, backend: 'oracle' },
        metadata,
      ),
      newEvent('RewardAssigned', { experimentId, candidateId, reward: accuracy, reason: 'accuracy' }, metadata),
    ],
    'any',
  );
  return candidateId;
};
