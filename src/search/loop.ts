// The event-sourced search loop. Each step folds the stream, asks decideNext for one command, runs its handler
// (src/search/handlers: one file per command kind), which appends the decision's event(s) BEFORE acting on them,
// and folds again. Event ids derive from experimentId + step, and
// every append states the expected revision, so a restarted or duplicated runner never decides anything twice.
import { CosearchError } from '../errors.js';
import {
  derivedEventId,
  experimentStreamId,
  newEvent,
  type EventInput,
  type ExperimentEventType,
} from '../events/index.js';
import { isWrongExpectedRevisionError, type EventStore } from '../store/index.js';
import { parseExperimentConfig, type ExperimentConfig } from './config.js';
import type { Controller } from './controllers/controller.js';
import { createController } from './controllers/factory.js';
import { decideNext, type SearchCommand } from './decide.js';
import { createActionSpace } from './deps.js';
import { resolveSpace } from './spaces.js';
import { evolveInPlace, initialState, type SearchState } from '../experiment/index.js';
import { summarize, type SearchSummary } from './summary.js';
import type { CandidateTrainer, HardwareEvaluator, TrainingDispatcher } from './ports.js';
import { zooMembers } from './hotStart.js';
import { createExecutor, type LoopContext } from './handlers/index.js';
import { createTrainings } from './trainings.js';

/** Options of runExperiment. */
export interface RunExperimentOptions {
  store: EventStore;
  experimentId: string;
  /** Trains feasible candidates in this process (dispatch 'local'). The oracle trainer when the config says `training.oracle`. */
  trainer?: CandidateTrainer;
  /** Looks up the trainings handed to workers (dispatch 'workers'); see src/workers' createStoreDispatcher. */
  dispatcher?: TrainingDispatcher;
  /** The hardware model for this experiment's device and constraints. */
  hardware: (config: ExperimentConfig) => HardwareEvaluator;
  /** Recorded as metadata.actor. @default 'system' */
  actor?: string;
  /** Called after every folded step, for progress bars. */
  onProgress?: (state: SearchState, command: SearchCommand) => void;
  /** Aborts the loop between steps and the running training (the log stays consistent; rerun resumes). */
  signal?: AbortSignal;
  /** Injected clock for the wall-time rule. @default Date.now */
  now?: () => number;
}

const idFor = (experimentId: string, type: ExperimentEventType | string, ...parts: Array<string | number>): string =>
  derivedEventId(experimentId, type, ...parts);

/** Appends ExperimentStarted for a validated config and returns the experiment id. */
export const startExperiment = async (
  store: EventStore,
  input: unknown,
  options: { experimentId: string; actor?: string },
): Promise<{ experimentId: string; config: ExperimentConfig }> => {
  const config = parseExperimentConfig(input);
  const { experimentId } = options;
  const event = newEvent(
    'ExperimentStarted',
    { experimentId, name: config.name, config: { ...config }, seed: config.seed },
    { correlationId: experimentId, actor: options.actor ?? 'system' },
    { id: idFor(experimentId, 'ExperimentStarted') },
  );
  await store.append(experimentStreamId(experimentId), [event], 'no_stream');
  return { experimentId, config };
};

/** Runs (or resumes) one started experiment until it completes, fails or is cancelled. */
export const runExperiment = async (options: RunExperimentOptions): Promise<SearchSummary> => {
  const { store, experimentId, trainer, dispatcher } = options;
  const stream = experimentStreamId(experimentId);
  const actor = options.actor ?? 'system';
  const now = options.now ?? Date.now;
  const state = initialState(experimentId);
  /** Ids of every event folded, so this loop never appends one twice. */
  const folded = new Set<string>();
  let lastEventId: string | undefined;
  const catchUp = async (): Promise<void> => {
    const events = await store.readStream(stream, { fromRevision: state.revision + 1 });
    for (const e of events) {
      evolveInPlace(state, e);
      folded.add(e.id);
      // Mirrored worker progress lands whenever a look happens: a decision's causation must not depend on it.
      if (!isMirroredProgress(e)) lastEventId = e.id;
    }
  };
  await catchUp();
  if (state.started === undefined) {
    throw new CosearchError(
      'NOT_FOUND',
      `expected experiment '${experimentId}' to have an ExperimentStarted event in stream '${stream}', but the stream is empty; start it with startExperiment or the startExperiment mutation`,
    );
  }
  const config = state.started.config;
  const space = createActionSpace(resolveSpace(config.space));
  const hardware = options.hardware(config);
  const zoo =
    config.controller.kind === 'hotstart' ? await zooMembers(store, state, config, space, hardware) : undefined;
  const controller: Controller = createController(config, space, zoo === undefined ? {} : { zoo });
  let controllerSteps = 0;
  const aborted = (): boolean => options.signal?.aborted === true;
  const seed = config.seed >>> 0;

  /** Appends one event unless its id is already in the log. False on a concurrency conflict (state refreshed). */
  const append = async <T extends ExperimentEventType>(
    id: string,
    type: T,
    data: EventInput<T>,
    causationId?: string,
  ): Promise<boolean> => {
    if (folded.has(id)) return true;
    const metadata = { correlationId: experimentId, actor, ...(causationId === undefined ? {} : { causationId }) };
    try {
      await store.append(stream, [newEvent(type, data, metadata, { id })], state.revision);
    } catch (error) {
      if (!isWrongExpectedRevisionError(error)) throw error;
    }
    await catchUp();
    return folded.has(id);
  };

  const eventId: LoopContext['idFor'] = (type, ...parts) => idFor(experimentId, type, ...parts);
  const trainings = createTrainings({
    experimentId,
    config,
    seed,
    state,
    append,
    idFor: eventId,
    catchUp,
    aborted,
    trainer,
    dispatcher,
    signal: options.signal,
  });

  const execute = createExecutor(
    {
      experimentId,
      config,
      seed,
      state,
      space,
      hardware,
      controller,
      append,
      idFor: eventId,
      lastEventId: () => lastEventId,
    },
    trainings,
    (step) => {
      controllerSteps = step;
    },
  );

  try {
    for (;;) {
      await catchUp();
      // The controller must stand exactly at the last PolicyUpdated of the log (after a restart, or when another
      // runner updated the policy): restore its checkpoint.
      if (controllerSteps !== state.policySteps) {
        if (state.checkpoint !== undefined) await controller.restore(state.checkpoint);
        controllerSteps = state.policySteps;
      }
      const command = decideNext(state, config, now());
      if (command.type === 'Stop') break;
      if (aborted()) break;
      try {
        await execute(command);
      } catch (error) {
        if (aborted() || state.status !== 'running') break;
        await failExperiment(error);
        break;
      }
      options.onProgress?.(state, command);
    }
  } finally {
    controller.dispose();
  }
  await catchUp();
  return summarize(state, config);

  async function failExperiment(error: unknown): Promise<void> {
    const code =
      typeof (error as { code?: unknown }).code === 'string' ? String((error as { code: string }).code) : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    await append(
      idFor(experimentId, 'ExperimentFailed'),
      'ExperimentFailed',
      { experimentId, error: { code, message } },
      lastEventId,
    );
  }
};

/** A TrainingStarted or EpochCompleted the loop copied from a job stream (it carries the job's id). */
const isMirroredProgress = (e: { type: string; data: unknown }): boolean =>
  (e.type === 'TrainingStarted' || e.type === 'EpochCompleted') &&
  typeof (e.data as { jobId?: unknown }).jobId === 'string';
