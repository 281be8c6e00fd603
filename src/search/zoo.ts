// The model zoo for hot start: candidates trained by earlier experiments, read from the log up to the moment the
// new experiment started (so a resumed hot start sees exactly the same zoo).
import { asExperimentEvent, experimentIdFromStream, isZeroCostScore } from '../events/index.js';
import type { EventStore } from '../store/index.js';
import type { Candidate } from './deps.js';

/** One trained candidate of an earlier experiment. */
export interface ZooEntry {
  experimentId: string;
  candidateId: string;
  candidate: Candidate;
  /** Validation accuracy (the final training's when there was one). */
  accuracy: number;
}

/** Options of readModelZoo. */
export interface ReadModelZooOptions {
  /** Only events with a global position below this one (the new experiment's ExperimentStarted). */
  beforePosition: number;
  /** Only these experiments; all when absent. */
  experiments?: readonly string[];
  /** Never this experiment (the one being seeded). */
  excludeExperiment?: string;
}

/** Reads every quantized, trained candidate of earlier experiments, best first. */
export const readModelZoo = async (store: EventStore, options: ReadModelZooOptions): Promise<ZooEntry[]> => {
  const candidates = new Map<string, { experimentId: string; candidate: Candidate; float: boolean }>();
  const accuracy = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    for (const recorded of page) {
      if (recorded.position >= options.beforePosition) break;
      const experimentId = experimentIdFromStream(recorded.streamId);
      if (experimentId === undefined || experimentId === options.excludeExperiment) continue;
      if (options.experiments !== undefined && !options.experiments.includes(experimentId)) continue;
      const event = asExperimentEvent(recorded);
      if (event?.type === 'CandidateProposed') {
        const float = (event.data as Record<string, unknown>).float === true;
        candidates.set(event.data.candidateId, { experimentId, candidate: toCandidate(event.data.candidate), float });
      } else if (event?.type === 'HardwareEvaluated') {
        const folded = (event.data as Record<string, unknown>).foldedCandidate;
        const known = candidates.get(event.data.candidateId);
        if (known !== undefined && typeof folded === 'object' && folded !== null) known.candidate = folded as Candidate;
      } else if (event?.type === 'CandidateTrained' && !isZeroCostScore(event.data)) {
        // A zero-cost score is not an accuracy: hot start would take it for a reward on another scale.
        accuracy.set(event.data.candidateId, event.data.accuracy);
      }
    }
    const last = page[page.length - 1];
    if (last === undefined || last.position >= options.beforePosition || page.length < 1000) break;
    after = last.position;
  }
  const zoo: ZooEntry[] = [];
  for (const [candidateId, acc] of accuracy) {
    const known = candidates.get(candidateId);
    if (known !== undefined && !known.float)
      zoo.push({ experimentId: known.experimentId, candidateId, candidate: known.candidate, accuracy: acc });
  }
  return zoo.sort((a, b) => b.accuracy - a.accuracy || a.candidateId.localeCompare(b.candidateId));
};

// The catalog keeps `candidate` as a loose record; the space module validated it when it was proposed.
const toCandidate = (record: Record<string, unknown>): Candidate => record as object as Candidate;
