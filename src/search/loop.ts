// The event-sourced search loop. Each step folds the stream, asks decideNext for one command, appends the
// decision's event(s) BEFORE acting on them, and folds again. Event ids derive from experimentId + step, and
// every append states the expected revision, so a restarted or duplicated runner never decides anything twice.
import { CosearchError } from '../errors.js';
import {
  derivedEventId,
  experimentStreamId,
  newEvent,
  type EventData,
  type ExperimentEventType,
} from '../events/index.js';
import { isWrongExpectedRevisionError, type EventStore } from '../store/index.js';
import type { Candidate } from './deps.js';
import { parseExperimentConfig, type ExperimentConfig } from './config.js';
import type { ChildResult, Controller } from './controllers/controller.js';
import { createController } from './controllers/factory.js';
import { decideNext, rewardOf, type SearchCommand } from './decide.js';
import { learningAccuracy } from './promotion.js';
import { createActionSpace, createRng, isSpaceError } from './deps.js';
import { resolveSpace } from './spaces.js';
import { evolveInPlace, initialState, trainingKind, type SearchState } from '../experiment/index.js';
import { summarize, type SearchSummary } from './summary.js';
import type { CandidateTrainer, HardwareEvaluator, HardwareReport, TrainingDispatcher } from './ports.js';
import { zooMembers } from './hotStart.js';
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
  const config = parseExperimentConfig(state.started.config);
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
    data: EventData<T>,
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

  const { train, request, awaitOldest } = createTrainings({
    experimentId,
    config,
    seed,
    state,
    append,
    catchUp,
    aborted,
    trainer,
    dispatcher,
    signal: options.signal,
  });

  const execute = async (command: SearchCommand): Promise<void> => {
    switch (command.type) {
      case 'ProposeCandidate': {
        const rng = createRng({ seed, position: state.rngPosition });
        const before = rng.state();
        const proposal = await controller.propose({ index: command.index, rng });
        const candidate: Candidate = proposal.candidate ?? space.decode(proposal.actions);
        const causation = command.index === 0 ? idFor(experimentId, 'ExperimentStarted') : lastEventId;
        await append(
          idFor(experimentId, 'CandidateProposed', command.index),
          'CandidateProposed',
          {
            experimentId,
            candidateId: idFor(experimentId, 'candidate', command.index),
            index: command.index,
            candidate: { ...candidate },
            actions: proposal.actions,
            logProbs: proposal.logProbs,
            rng: { ...before },
            rngPositionAfter: rng.state().position,
            controller: controller.kind,
            ...(proposal.float === true ? { float: true } : {}),
            ...(proposal.autoFold === true ? { autoFold: true } : {}),
            ...(proposal.note === undefined ? {} : { note: proposal.note }),
          },
          causation,
        );
        return;
      }
      case 'EvaluateHardware': {
        const c = command.candidate;
        const report = evaluateSafely(
          hardware,
          c.proposal.candidate as object as Candidate,
          space.autoFold || c.autoFold,
        );
        await append(
          idFor(experimentId, 'HardwareEvaluated', c.index),
          'HardwareEvaluated',
          {
            experimentId,
            candidateId: c.candidateId,
            device: report.device,
            luts: report.luts,
            throughputFps: report.throughputFps,
            latencyMs: report.latencyMs,
            feasible: report.feasible,
            violations: report.violations.map((v) => ({ ...v })),
            layers: report.layers,
            foldedCandidate: { ...report.candidate },
            ...(c.float ? { gateIgnored: true } : {}),
          },
          idFor(experimentId, 'CandidateProposed', c.index),
        );
        return;
      }
      case 'TrainCandidate':
        await train(command.candidate, command.final, command.rung);
        return;
      case 'RequestTraining':
        await request(command.candidate, command.final, command.rung);
        return;
      case 'AwaitTraining':
        await awaitOldest(command.job);
        return;
      case 'PromoteCandidate': {
        const { candidate: c, fromRung, toRung, score, cutoff, rank, rungSize } = command.promotion;
        const cause = idFor(experimentId, 'CandidateTrained', trainingKind(false, fromRung), c.index);
        await append(
          idFor(experimentId, 'CandidatePromoted', c.index, toRung),
          'CandidatePromoted',
          {
            experimentId,
            candidateId: c.candidateId,
            fromRung,
            toRung,
            score,
            cutoff,
            rank,
            rungSize,
          },
          cause,
        );
        return;
      }
      case 'CloseRung': {
        const { rung, cutoff, promoted, cut } = command.closing;
        await append(
          idFor(experimentId, 'RungClosed', rung),
          'RungClosed',
          { experimentId, rung, cutoff, promoted, cut },
          lastEventId,
        );
        return;
      }
      case 'AssignReward': {
        const c = command.candidate;
        const { reward, reason } = rewardOf(c, config);
        const cause =
          c.trained !== undefined
            ? idFor(experimentId, 'CandidateTrained', 'proxy', c.index)
            : idFor(experimentId, 'HardwareEvaluated', c.index);
        await append(
          idFor(experimentId, 'RewardAssigned', c.index),
          'RewardAssigned',
          { experimentId, candidateId: c.candidateId, reward, reason },
          cause,
        );
        return;
      }
      case 'UpdatePolicy': {
        // Multi-fidelity: each child teaches the controller its best fidelity so far, on the proxy's scale.
        const learned = command.children.map((c) => {
          if (config.multiFidelity === undefined)
            return { reward: c.reward ?? 0, rung: 0, accuracy: c.trained?.accuracy };
          const { accuracy, rung } = learningAccuracy(state, c);
          return { reward: rung === 0 ? (c.reward ?? 0) : rewardOf(c, config, accuracy).reward, rung, accuracy };
        });
        const results: ChildResult[] = command.children.map((c, i) => ({
          candidateId: c.candidateId,
          index: c.index,
          actions: c.proposal.actions,
          reward: learned[i]?.reward ?? 0,
          feasible: c.hardware?.feasible === true,
          float: c.float,
          ...(learned[i]?.accuracy === undefined ? {} : { accuracy: learned[i]?.accuracy }),
        }));
        const update = await controller.learn(results, command.step);
        controllerSteps = command.step + 1;
        const last = command.children[command.children.length - 1];
        const rewards =
          config.multiFidelity === undefined
            ? {}
            : {
                rewards: results.map((r, i) => ({
                  candidateId: r.candidateId,
                  reward: r.reward,
                  rung: learned[i]?.rung ?? 0,
                })),
              };
        await append(
          idFor(experimentId, 'PolicyUpdated', command.step),
          'PolicyUpdated',
          {
            experimentId,
            step: command.step,
            baseline: update.baseline,
            ...(update.loss === undefined ? {} : { loss: update.loss }),
            checkpoint: update.checkpoint,
            controller: controller.kind,
            ...rewards,
          },
          last === undefined ? undefined : idFor(experimentId, 'RewardAssigned', last.index),
        );
        return;
      }
      case 'CompleteExperiment': {
        const summary = summarize(state, config);
        await append(
          idFor(experimentId, 'ExperimentCompleted'),
          'ExperimentCompleted',
          {
            experimentId,
            bestCandidateId: summary.best?.candidateId ?? null,
            reason: command.reason,
            proposed: summary.proposed,
            pruned: summary.pruned,
            trained: summary.trained,
            // A zero-cost experiment's best is the top score, not an accuracy: ExperimentCompleted carries no bestAccuracy.
            ...(summary.best === null || summary.zeroCost !== undefined ? {} : { bestAccuracy: summary.best.accuracy }),
            paretoFront: summary.paretoFront.map((p) => p.candidateId),
          },
          lastEventId,
        );
        return;
      }
      case 'Stop':
        return;
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  };

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

/**
 * Evaluates a design. One the space rejects (a SpaceError: its shapes collapse, a field is out of range) is an
 * infeasible design, and the controller learns from it. Any other error is a bug of the hardware model or the
 * adapter: it propagates and fails the experiment (ExperimentFailed with the error), rather than passing a broken
 * model off as an infeasible design.
 */
const evaluateSafely = (hardware: HardwareEvaluator, candidate: Candidate, autoFold: boolean): HardwareReport => {
  try {
    return hardware.evaluate(candidate, { autoFold });
  } catch (error) {
    if (!isSpaceError(error)) throw error;
    return {
      device: hardware.device,
      luts: 0,
      throughputFps: 0,
      latencyMs: 0,
      feasible: false,
      violations: [{ constraint: 'valid design', limit: 0, actual: 1 }],
      layers: [{ error: error.message }],
      candidate,
    };
  }
};

/** A TrainingStarted or EpochCompleted the loop copied from a job stream (it carries the job's id). */
const isMirroredProgress = (e: { type: string; data: unknown }): boolean =>
  (e.type === 'TrainingStarted' || e.type === 'EpochCompleted') &&
  typeof (e.data as { jobId?: unknown }).jobId === 'string';
