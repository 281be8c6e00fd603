// A deterministic synthetic experiment (events only, no search or training) for tests, the replay bench and
// demos: proposals, hardware results, training, rewards and policy updates with causation links.
import { derivedEventId, experimentStreamId, newEvent } from '../events/index.js';
import type { EventToAppend } from '../store/index.js';

export interface SyntheticExperimentOptions {
  experimentId: string;
  /** Candidates to propose. @default 10 */
  candidates?: number;
  /** EpochCompleted events per trained candidate. @default 1 */
  epochs?: number;
  /** Every how many candidates one is infeasible (pruned, not trained). @default 4 */
  pruneEvery?: number;
  /** Children per episode (a PolicyUpdated after each episode). @default 5 */
  childrenPerEpisode?: number;
  /** Seed for the pseudo-random figures. @default 1 */
  seed?: number;
  /** Candidate JSON to use for candidate i. @default a small placeholder record */
  candidateFor?: (index: number) => Record<string, unknown>;
}

/** The stream id and the events, ready to append in order (ids derived from the experiment id, so stable). */
export const syntheticExperiment = (
  options: SyntheticExperimentOptions,
): { streamId: string; events: EventToAppend[] } => {
  const { experimentId } = options;
  const n = options.candidates ?? 10;
  const epochs = options.epochs ?? 1;
  const pruneEvery = options.pruneEvery ?? 4;
  const perEpisode = options.childrenPerEpisode ?? 5;
  let state = (options.seed ?? 1) >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const meta = (causationId?: string) => ({
    correlationId: experimentId,
    actor: 'system',
    ...(causationId === undefined ? {} : { causationId }),
  });
  const id = (...parts: Array<string | number>): string => derivedEventId(experimentId, ...parts);
  const events: EventToAppend[] = [];
  const startedId = id('started');
  events.push(
    newEvent(
      'ExperimentStarted',
      { experimentId, name: 'synthetic', config: { controller: { kind: 'rl' } }, seed: options.seed ?? 1 },
      meta(),
      { id: startedId },
    ),
  );
  let cause = startedId;
  let best: { candidateId: string; accuracy: number } | null = null;
  let episodeRewards: string | undefined;
  let trained = 0;
  for (let i = 0; i < n; i += 1) {
    const candidateId = `${experimentId.slice(0, 8)}-c${i}`;
    const base = { experimentId, candidateId };
    const actions = [Math.floor(next() * 4), Math.floor(next() * 4), Math.floor(next() * 3)];
    const logProbs = actions.map(() => -Math.round(next() * 2000) / 1000);
    const proposedId = id('proposed', i);
    const candidate = options.candidateFor?.(i) ?? { name: `c${i}`, layers: actions };
    events.push(
      newEvent(
        'CandidateProposed',
        {
          ...base,
          index: i,
          candidate,
          actions,
          logProbs,
          rng: { seed: options.seed ?? 1, position: i * 3 },
          controller: 'rl',
        },
        meta(cause),
        { id: proposedId },
      ),
    );
    const feasible = pruneEvery <= 0 || i % pruneEvery !== pruneEvery - 1;
    const luts = Math.round(10_000 + next() * 40_000);
    const hwId = id('hardware', i);
    events.push(
      newEvent(
        'HardwareEvaluated',
        {
          ...base,
          device: 'synthetic',
          luts,
          throughputFps: Math.round(500 + next() * 2000),
          latencyMs: 1 + next(),
          feasible,
          violations: feasible ? [] : [{ constraint: 'maxLuts', limit: 30_000, actual: luts }],
          layers: [],
        },
        meta(proposedId),
        { id: hwId },
      ),
    );
    let rewardCause = hwId;
    let reward = 0;
    if (feasible) {
      const startId = id('training', i);
      events.push(
        newEvent(
          'TrainingStarted',
          { ...base, backend: 'oracle', epochs, batchSize: 64, trainImages: 1000 },
          meta(hwId),
          { id: startId },
        ),
      );
      for (let e = 0; e < epochs; e += 1) {
        events.push(
          newEvent(
            'EpochCompleted',
            { ...base, epoch: e, loss: 2 - next(), trainAccuracy: next(), imagesPerSec: 400 },
            meta(startId),
            { id: id('epoch', i, e) },
          ),
        );
      }
      const accuracy = Math.round(next() * 10_000) / 10_000;
      const trainedId = id('trained', i);
      events.push(
        newEvent('CandidateTrained', { ...base, accuracy, epochs, trainSeconds: 1, backend: 'oracle' }, meta(startId), {
          id: trainedId,
        }),
      );
      trained += 1;
      if (best === null || accuracy > best.accuracy) best = { candidateId, accuracy };
      rewardCause = trainedId;
      reward = accuracy;
    }
    const rewardId = id('reward', i);
    events.push(
      newEvent('RewardAssigned', { ...base, reward, reason: feasible ? 'accuracy' : 'infeasible' }, meta(rewardCause), {
        id: rewardId,
      }),
    );
    episodeRewards = rewardId;
    if ((i + 1) % perEpisode === 0 || i === n - 1) {
      const policyId = id('policy', i);
      events.push(
        newEvent(
          'PolicyUpdated',
          { experimentId, step: Math.floor(i / perEpisode), baseline: next() },
          meta(episodeRewards),
          { id: policyId },
        ),
      );
      cause = policyId;
    }
  }
  events.push(
    newEvent(
      'ExperimentCompleted',
      {
        experimentId,
        bestCandidateId: best?.candidateId ?? null,
        reason: 'budget exhausted',
        proposed: n,
        pruned: n - trained,
        trained,
      },
      meta(cause),
      { id: id('completed') },
    ),
  );
  return { streamId: experimentStreamId(experimentId), events };
};
