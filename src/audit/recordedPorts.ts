// Stand-ins for the trainer and the hardware model that answer from a recorded experiment instead of computing:
// a re-run feeds them to the search loop so nothing is retrained and every result is exactly the original's.
import type { Candidate } from '../space/index.js';
import type { CandidateTrainer, HardwareEvaluator, HardwareReport, TrainResult, EpochReport } from '../search/index.js';
import type { RecordedEvent } from '../store/index.js';
import { canonicalJson } from '../store/index.js';

interface RecordedTraining {
  epochs: EpochReport[];
  result: TrainResult;
}

const field = <T>(event: RecordedEvent, name: string): T | undefined =>
  (event.data as Record<string, unknown>)[name] as T | undefined;

/** Results of the original run, keyed by the candidate's canonical JSON. */
export interface RecordedResults {
  trainer: CandidateTrainer;
  hardware: HardwareEvaluator;
  /** Requests the recording could not answer (the re-run asked for a candidate the original never built). */
  misses(): number;
}

/** Builds recorded ports from the original experiment's events (in stream order). */
export const createRecordedPorts = (events: readonly RecordedEvent[]): RecordedResults => {
  const candidates = new Map<string, { proposed: unknown; folded?: unknown }>();
  const hardware = new Map<string, HardwareReport>();
  const trainings = new Map<string, RecordedTraining[]>();
  const open = new Map<string, { key: string; epochs: EpochReport[] }>();
  let device = 'recorded';
  let backend = 'recorded';
  let trainImages = 0;
  let finalTrainImages: number | undefined;
  for (const e of events) {
    const candidateId = field<string>(e, 'candidateId');
    if (e.type === 'CandidateProposed' && candidateId !== undefined)
      candidates.set(candidateId, { proposed: field(e, 'candidate') });
    const c = candidateId === undefined ? undefined : candidates.get(candidateId);
    if (c === undefined || candidateId === undefined) continue;
    if (e.type === 'HardwareEvaluated') {
      const d = e.data as Omit<HardwareReport, 'candidate'> & { foldedCandidate?: unknown };
      c.folded = d.foldedCandidate;
      device = d.device;
      hardware.set(canonicalJson(c.proposed), {
        device: d.device,
        luts: d.luts,
        throughputFps: d.throughputFps,
        latencyMs: d.latencyMs,
        feasible: d.feasible,
        violations: d.violations,
        layers: d.layers,
        candidate: (d.foldedCandidate ?? c.proposed) as Candidate,
      });
    } else if (e.type === 'TrainingStarted') {
      backend = field<string>(e, 'backend') ?? backend;
      if (field<boolean>(e, 'final') === true) finalTrainImages = field<number>(e, 'trainImages') ?? finalTrainImages;
      else trainImages = field<number>(e, 'trainImages') ?? trainImages;
      const float = field<boolean>(e, 'float') === true;
      open.set(candidateId, {
        key: `${canonicalJson(c.folded ?? c.proposed)}|${field<number>(e, 'epochs')}|${float}`,
        epochs: [],
      });
    } else if (e.type === 'EpochCompleted') {
      open.get(candidateId)?.epochs.push(e.data as EpochReport);
    } else if (e.type === 'CandidateTrained') {
      const run = open.get(candidateId);
      if (run === undefined) continue;
      open.delete(candidateId);
      const d = e.data as TrainResult;
      const result: TrainResult = {
        accuracy: d.accuracy,
        epochs: d.epochs,
        trainSeconds: d.trainSeconds,
        backend: d.backend,
        ...(d.testAccuracy === undefined ? {} : { testAccuracy: d.testAccuracy }),
      };
      trainings.set(run.key, [...(trainings.get(run.key) ?? []), { epochs: run.epochs, result }]);
    }
  }
  let misses = 0;
  return {
    misses: () => misses,
    hardware: {
      device,
      evaluate(candidate) {
        const report = hardware.get(canonicalJson(candidate));
        if (report !== undefined) return report;
        misses += 1;
        return {
          device,
          luts: 0,
          throughputFps: 0,
          latencyMs: 0,
          feasible: false,
          layers: [],
          candidate,
          violations: [{ constraint: 'recorded', limit: 0, actual: 0 }],
        };
      },
    },
    trainer: {
      backend,
      trainImages,
      ...(finalTrainImages === undefined ? {} : { finalTrainImages }),
      async train(candidate, options, onEpoch) {
        const queue = trainings.get(`${canonicalJson(candidate)}|${options.epochs}|${options.float === true}`);
        const recorded = queue?.shift();
        if (recorded === undefined) {
          misses += 1;
          return { accuracy: 0, epochs: options.epochs, trainSeconds: 0, backend };
        }
        for (const epoch of recorded.epochs) await onEpoch(epoch);
        return recorded.result;
      },
    },
  };
};
