// The search runner: follows the store's experiment streams and runs every started-but-unfinished experiment,
// one at a time, resuming from its log. `cosearch serve` and `cosearch search` start one.
import { CosearchError } from '../errors.js';
import {
  asExperimentEvent,
  derivedEventId,
  experimentIdFromStream,
  experimentStreamId,
  isTerminalEventType,
  newEvent,
  startedConfigOf,
} from '../events/index.js';
import type { EventStore, Subscription } from '../store/index.js';
import { dispatchOf, type ExperimentConfig } from './config.js';
import { createHardwareEvaluator } from './hardwareAdapter.js';
import { runExperiment } from './loop.js';
import { createOracleTrainer } from './oracle.js';
import type { CandidateTrainer, HardwareEvaluator, TrainingDispatcher } from './ports.js';
import type { SearchSummary } from './summary.js';

/** Options of createSearchRunner. */
export interface SearchRunnerOptions {
  store: EventStore;
  /** Trainer per experiment; the oracle when the config says `training.oracle` and this is absent. */
  trainerFor?: (config: ExperimentConfig) => Promise<CandidateTrainer>;
  /** Where experiments with dispatch 'workers' find their trainings' results (src/workers' createStoreDispatcher). */
  dispatcher?: TrainingDispatcher;
  /** Called before an experiment with dispatch 'workers' runs, e.g. to start local worker processes. */
  onWorkersNeeded?: () => void;
  /** Hardware model per experiment. @default createHardwareEvaluator (src/hardware) */
  hardware?: (config: ExperimentConfig) => HardwareEvaluator;
  /** @default 'system' */
  actor?: string;
  /** Called when an experiment ends (completed, failed, cancelled) or a run throws. */
  onFinished?: (experimentId: string, result: SearchSummary | Error) => void;
}

export interface SearchRunner {
  /** Starts following the store from the beginning (catch-up, then live). */
  start(): void;
  /** Stops following, aborts the running experiment between steps and waits for it. */
  stop(): Promise<void>;
  /** Ids of experiments waiting or running. */
  pending(): string[];
}

export const createSearchRunner = (options: SearchRunnerOptions): SearchRunner => {
  const { store } = options;
  const queue: string[] = [];
  const finished = new Set<string>();
  let subscription: Subscription | undefined;
  let running: Promise<void> | undefined;
  let abort = new AbortController();
  const trainerFor = async (config: ExperimentConfig): Promise<CandidateTrainer> => {
    if (options.trainerFor !== undefined && !config.training.oracle) return options.trainerFor(config);
    return createOracleTrainer();
  };
  const drain = async (): Promise<void> => {
    while (queue.length > 0 && !abort.signal.aborted) {
      const experimentId = queue[0] ?? '';
      try {
        if (await isFinished(store, experimentId)) {
          queue.shift();
          finished.add(experimentId);
          continue;
        }
        let trainer: CandidateTrainer | undefined;
        try {
          const config = await configOf(store, experimentId);
          if (dispatchOf(config) === 'workers') options.onWorkersNeeded?.();
          else trainer = await trainerFor(config);
        } catch (error) {
          // No trainer (bad config, missing dataset): the experiment cannot run, so record why instead of waiting forever.
          await failBeforeStart(store, experimentId, error, options.actor ?? 'system');
          throw error;
        }
        const summary = await runExperiment({
          store,
          experimentId,
          signal: abort.signal,
          actor: options.actor ?? 'system',
          hardware: options.hardware ?? createHardwareEvaluator,
          ...(trainer === undefined ? {} : { trainer }),
          ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        });
        options.onFinished?.(experimentId, summary);
      } catch (error) {
        options.onFinished?.(experimentId, error instanceof Error ? error : new Error(String(error)));
      }
      queue.shift();
      finished.add(experimentId);
    }
    running = undefined;
  };
  const follow = async (sub: Subscription): Promise<void> => {
    for await (const recorded of sub) {
      const experimentId = experimentIdFromStream(recorded.streamId);
      const event = asExperimentEvent(recorded);
      if (experimentId === undefined || event === undefined) continue;
      if (event.type === 'ExperimentStarted' && !finished.has(experimentId) && !queue.includes(experimentId))
        queue.push(experimentId);
      if (event.type === 'ExperimentResumed' && !queue.includes(experimentId)) {
        // A run of this process that stopped without a terminal event (a thrown step) is picked up again.
        finished.delete(experimentId);
        queue.push(experimentId);
      }
      if (isTerminalEventType(event.type)) {
        // Finished before we got to it: drop it from the queue (the running one notices by itself).
        const at = queue.indexOf(experimentId);
        if (at > 0) queue.splice(at, 1);
        finished.add(experimentId);
      }
      if (running === undefined && queue.length > 0) running = drain();
    }
  };
  return {
    start() {
      if (subscription !== undefined) return;
      abort = new AbortController();
      subscription = store.subscribeToAll({ after: 0, streamPrefix: 'experiment-' });
      void follow(subscription);
    },
    async stop() {
      abort.abort(new Error('search runner stopped'));
      await subscription?.close();
      subscription = undefined;
      await running;
    },
    pending: () => [...queue],
  };
};

const configOf = async (store: EventStore, experimentId: string): Promise<ExperimentConfig> => {
  const [first] = await store.readStream(`experiment-${experimentId}`, { maxCount: 1 });
  const config = startedConfigOf(first);
  if (config === undefined)
    throw new CosearchError(
      'NOT_FOUND',
      `expected experiment '${experimentId}' to begin with ExperimentStarted, but its stream ${first === undefined ? 'is empty' : `begins with ${first.type}`}; start it with startExperiment`,
    );
  return config;
};

const failBeforeStart = async (
  store: EventStore,
  experimentId: string,
  error: unknown,
  actor: string,
): Promise<void> => {
  const code =
    typeof (error as { code?: unknown }).code === 'string'
      ? String((error as { code: string }).code)
      : 'BAD_USER_INPUT';
  const message = error instanceof Error ? error.message : String(error);
  const event = newEvent(
    'ExperimentFailed',
    { experimentId, error: { code, message } },
    { correlationId: experimentId, actor },
    { id: derivedEventId(experimentId, 'ExperimentFailed') },
  );
  await store.append(experimentStreamId(experimentId), [event], 'any');
};

/** True when the stream already holds a terminal event (checked before paying for a trainer). */
const isFinished = async (store: EventStore, experimentId: string): Promise<boolean> => {
  // Terminal events are the last of a stream; reading one event backwards avoids loading policy checkpoints.
  const [last] = await store.readStream(experimentStreamId(experimentId), { direction: 'backwards', maxCount: 1 });
  return last !== undefined && isTerminalEventType(last.type);
};
