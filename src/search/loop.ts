// The event-sourced search loop. Each step folds the stream, asks decideNext for one command, appends the
// decision's event(s) BEFORE acting on them, and folds again. Event ids derive from experimentId + step, and
// every append states the expected revision, so a restarted or duplicated runner never decides anything twice.
import { CosearchError, type ErrorCode } from '../errors.js';
import { derivedEventId, experimentStreamId, newEvent, type EventData, type ExperimentEventType } from '../events/index.js';
import { isWrongExpectedRevisionError, type EventStore } from '../store/index.js';
import type { Candidate } from './deps.js';
import { parseExperimentConfig, type ExperimentConfig } from './config.js';
import type { ChildResult, Controller } from './controllers/controller.js';
import { createController } from './controllers/factory.js';
import { decideNext, rewardOf, type SearchCommand } from './decide.js';
import { learningAccuracy } from './promotion.js';
import { createActionSpace, createRng } from './deps.js';
import { resolveSpace } from './spaces.js';
import { evolve, initialState, trainingKind, type CandidateRecord, type OutstandingJob, type SearchState } from './state.js';
import { summarize, type SearchSummary } from './summary.js';
import type { CandidateTrainer, EpochReport, HardwareEvaluator, HardwareReport, TrainingDispatcher, TrainOptions, TrainResult } from './ports.js';
import { zooMembers } from './hotStart.js';

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
export const startExperiment = async (store: EventStore, input: unknown, options: { experimentId: string; actor?: string }): Promise<{ experimentId: string; config: ExperimentConfig }> => {
  const config = parseExperimentConfig(input);
  const { experimentId } = options;
  const event = newEvent('ExperimentStarted', { experimentId, name: config.name, config: { ...config }, seed: config.seed },
    { correlationId: experimentId, actor: options.actor ?? 'system' }, { id: idFor(experimentId, 'ExperimentStarted') });
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
  let lastEventId: string | undefined;
  const catchUp = async (): Promise<void> => {
    const events = await store.readStream(stream, { fromRevision: state.revision + 1 });
    for (const e of events) {
      evolve(state, e);
      // Mirrored worker progress lands whenever a look happens: a decision's causation must not depend on it.
      if (!isMirroredProgress(e)) lastEventId = e.id;
    }
  };
  await catchUp();
  if (state.started === undefined) {
    throw new CosearchError('NOT_FOUND', `expected experiment '${experimentId}' to have an ExperimentStarted event in stream '${stream}', but the stream is empty; start it with startExperiment or the startExperiment mutation`);
  }
  const config = parseExperimentConfig(state.started.config);
  const space = createActionSpace(resolveSpace(config.space));
  const hardware = options.hardware(config);
  const zoo = config.controller.kind === 'hotstart' ? await zooMembers(store, state, config, space, hardware) : undefined;
  const controller: Controller = createController(config, space, zoo === undefined ? {} : { zoo });
  let controllerSteps = 0;
  const aborted = (): boolean => options.signal?.aborted === true;
  const seed = config.seed >>> 0;

  /** Appends one event unless its id is already in the log. False on a concurrency conflict (state refreshed). */
  const append = async <T extends ExperimentEventType>(id: string, type: T, data: EventData<T>, causationId?: string): Promise<boolean> => {
    if (state.ids.has(id)) return true;
    const metadata = { correlationId: experimentId, actor, ...(causationId === undefined ? {} : { causationId }) };
    try {
      await store.append(stream, [newEvent(type, data, metadata, { id })], state.revision);
    } catch (error) {
      if (!isWrongExpectedRevisionError(error)) throw error;
    }
    await catchUp();
    return state.ids.has(id);
  };

  /** What one training of `c` is: its kind, options, the fields its events carry, and the event that caused it. */
  const planOf = (c: CandidateRecord, final: boolean, rung?: number) => {
    const rungConfig = rung === undefined ? undefined : config.multiFidelity?.rungs[rung - 1];
    if (rung !== undefined && rungConfig === undefined) throw new CosearchError('ILLEGAL_STATE', `candidate ${c.candidateId} was promoted to rung ${rung}, but the config has ${config.multiFidelity?.rungs.length ?? 0} rungs`);
    // Zero-cost scoring (proxy runs only; the config refuses rungs and final runs with it) trains no epoch.
    const zeroCost = final || rung !== undefined ? undefined : config.training.zeroCost;
    const epochs = zeroCost !== undefined ? 0 : rungConfig?.epochs ?? (final ? config.finalTraining.epochs : config.training.epochs);
    const kind = trainingKind(final, rung);
    const extra = { ...(final ? { final: true } : {}), ...(c.float ? { float: true } : {}), ...(rung === undefined ? {} : { rung }), ...(zeroCost === undefined ? {} : { zeroCost }) };
    const subset = rungConfig?.subset;
    const options: Omit<TrainOptions, 'signal'> = {
      epochs, batchSize: config.training.batchSize, ...recipeOf(config, final),
      seed: (Math.imul(seed, 1000003) + c.index) >>> 0, float: c.float, ...(final ? { final: true } : {}), ...(subset === undefined ? {} : { subset }),
      ...(zeroCost === undefined ? {} : { zeroCost }),
    };
    const cause = rung === undefined ? idFor(experimentId, 'HardwareEvaluated', c.index) : idFor(experimentId, 'CandidatePromoted', c.index, rung);
    const done = final ? c.finalEpochsDone : rung === undefined ? c.epochsDone : (c.rungs.get(rung)?.epochsDone ?? 0);
    return { kind, epochs, extra, subset, options, cause, done, zeroCost, startedId: idFor(experimentId, 'TrainingStarted', kind, c.index) };
  };
  type Plan = ReturnType<typeof planOf>;

  /** Appends an epoch of a training unless it is logged already (a rerun repeats epochs; the first write stays). */
  const logEpoch = async (c: CandidateRecord, plan: Plan, epoch: EpochReport, by: object = {}): Promise<void> => {
    if (epoch.epoch <= plan.done) return;
    await append(idFor(experimentId, 'EpochCompleted', plan.kind, c.index, epoch.epoch), 'EpochCompleted', {
      experimentId, candidateId: c.candidateId, epoch: epoch.epoch, loss: epoch.loss, trainAccuracy: epoch.trainAccuracy,
      ...(epoch.valAccuracy === undefined ? {} : { valAccuracy: epoch.valAccuracy }), imagesPerSec: epoch.imagesPerSec, ...plan.extra, ...by,
    }, plan.startedId);
  };

  /** Appends a training's result, after checking it is the kind of score the plan asked for. */
  const logResult = async (c: CandidateRecord, plan: Plan, result: TrainResult, by: object = {}): Promise<void> => {
    if (result.zeroCost !== plan.zeroCost) {
      throw new CosearchError('BAD_USER_INPUT', `expected the ${result.backend} trainer to return ${plan.zeroCost === undefined ? 'an accuracy' : `a '${plan.zeroCost}' zero-cost score`}, but it returned ${result.zeroCost === undefined ? 'an accuracy' : `a '${result.zeroCost}' score`}; use the engine trainer for training.zeroCost`);
    }
    await append(idFor(experimentId, 'CandidateTrained', plan.kind, c.index), 'CandidateTrained', {
      experimentId, candidateId: c.candidateId, accuracy: result.accuracy, ...(result.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }),
      epochs: result.epochs, trainSeconds: result.trainSeconds, backend: result.backend, ...plan.extra, ...by,
    }, plan.startedId);
  };

  /** Dispatch 'local': trains `c` in this process. */
  const train = async (c: CandidateRecord, final: boolean, rung?: number): Promise<void> => {
    if (trainer === undefined) throw new CosearchError('ILLEGAL_STATE', `experiment ${experimentId} trains in the loop's process (dispatch 'local'), but no trainer was given to runExperiment`);
    const plan = planOf(c, final, rung);
    const trainImages = trainImagesOf(trainer, final, plan.subset);
    await append(plan.startedId, 'TrainingStarted', {
      experimentId, candidateId: c.candidateId, backend: trainer.backend, epochs: plan.epochs, batchSize: config.training.batchSize, trainImages, ...plan.extra,
    }, plan.cause);
    const abort = new AbortController();
    const onOuterAbort = (): void => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort);
    try {
      const result = await trainer.train(candidateToTrain(c), { ...plan.options, signal: abort.signal }, async (epoch) => {
        await logEpoch(c, plan, epoch);
        if (state.status !== 'running') abort.abort(new CosearchError('ILLEGAL_STATE', `experiment ${experimentId} is ${state.status}`));
      });
      await logResult(c, plan, result);
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  };

  /** Dispatch 'workers': hands the training of `c` to the workers. */
  const request = async (c: CandidateRecord, final: boolean, rung?: number): Promise<void> => {
    const plan = planOf(c, final, rung);
    await append(idFor(experimentId, 'TrainingRequested', plan.kind, c.index), 'TrainingRequested', {
      experimentId, candidateId: c.candidateId, jobId: jobIdOf(experimentId, plan.kind, c.index), kind: plan.kind,
      candidate: { ...candidateToTrain(c) }, options: { ...plan.options }, ...(rung === undefined ? {} : { rung }), ...(final ? { final: true } : {}),
    }, plan.cause);
  };

  /**
   * Dispatch 'workers': mirrors the claims and epochs of every outstanding job into the experiment stream until the
   * OLDEST one has a result, then folds that result (or fails the experiment with the worker's training error).
   */
  const awaitOldest = async (oldest: OutstandingJob): Promise<void> => {
    if (dispatcher === undefined) throw new CosearchError('ILLEGAL_STATE', `experiment ${experimentId} hands its trainings to workers (dispatch 'workers'), but no dispatcher was given to runExperiment`);
    for (;;) {
      for (const job of [...state.outstanding]) {
        const c = state.candidates[job.index];
        if (c === undefined) continue;
        const plan = planOf(c, job.final, job.rung);
        const view = await dispatcher.inspect(job.jobId);
        const claim = view.claim;
        if (claim === undefined) continue;
        const by = { jobId: job.jobId, workerId: claim.workerId };
        await append(plan.startedId, 'TrainingStarted', {
          experimentId, candidateId: c.candidateId, backend: claim.backend, epochs: plan.epochs, batchSize: config.training.batchSize,
          trainImages: claim.trainImages, ...plan.extra, ...by,
        }, plan.cause);
        // The plan's `done` moves as epochs are logged: re-plan so a repeated look appends nothing twice.
        for (const epoch of view.epochs) await logEpoch(c, planOf(c, job.final, job.rung), epoch, by);
        if (job.jobId !== oldest.jobId) continue;
        if (view.failure !== undefined) {
          throw new CosearchError(view.failure.code as ErrorCode, `worker ${view.failure.workerId} failed training ${c.candidateId} (${job.kind}): ${view.failure.message}`);
        }
        if (view.result !== undefined) {
          await logResult(c, plan, view.result.result, { jobId: job.jobId, workerId: view.result.workerId });
          return;
        }
      }
      if (aborted() || state.status !== 'running') return;
      await sleep(dispatcher.pollMs ?? 250, options.signal);
      await catchUp();
    }
  };

  const execute = async (command: SearchCommand): Promise<void> => {
    switch (command.type) {
      case 'ProposeCandidate': {
        const rng = createRng({ seed, position: state.rngPosition });
        const before = rng.state();
        const proposal = await controller.propose({ index: command.index, rng });
        const candidate: Candidate = proposal.candidate ?? space.decode(proposal.actions);
        const causation = command.index === 0 ? idFor(experimentId, 'ExperimentStarted') : lastEventId;
        await append(idFor(experimentId, 'CandidateProposed', command.index), 'CandidateProposed', {
          experimentId, candidateId: idFor(experimentId, 'candidate', command.index), index: command.index, candidate: { ...candidate },
          actions: proposal.actions, logProbs: proposal.logProbs, rng: { ...before }, rngPositionAfter: rng.state().position, controller: controller.kind,
          ...(proposal.float === true ? { float: true } : {}), ...(proposal.autoFold === true ? { autoFold: true } : {}),
          ...(proposal.note === undefined ? {} : { note: proposal.note }),
        }, causation);
        return;
      }
      case 'EvaluateHardware': {
        const c = command.candidate;
        const report = evaluateSafely(hardware, c.proposal.candidate as object as Candidate, space.autoFold || c.autoFold);
        await append(idFor(experimentId, 'HardwareEvaluated', c.index), 'HardwareEvaluated', {
          experimentId, candidateId: c.candidateId, device: report.device, luts: report.luts, throughputFps: report.throughputFps,
          latencyMs: report.latencyMs, feasible: report.feasible, violations: report.violations.map((v) => ({ ...v })), layers: report.layers,
          foldedCandidate: { ...report.candidate }, ...(c.float ? { gateIgnored: true } : {}),
        }, idFor(experimentId, 'CandidateProposed', c.index));
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
        await append(idFor(experimentId, 'CandidatePromoted', c.index, toRung), 'CandidatePromoted', {
          experimentId, candidateId: c.candidateId, fromRung, toRung, score, cutoff, rank, rungSize,
        }, cause);
        return;
      }
      case 'CloseRung': {
        const { rung, cutoff, promoted, cut } = command.closing;
        await append(idFor(experimentId, 'RungClosed', rung), 'RungClosed', { experimentId, rung, cutoff, promoted, cut }, lastEventId);
        return;
      }
      case 'AssignReward': {
        const c = command.candidate;
        const { reward, reason } = rewardOf(c, config);
        const cause = c.trained !== undefined ? idFor(experimentId, 'CandidateTrained', 'proxy', c.index) : idFor(experimentId, 'HardwareEvaluated', c.index);
        await append(idFor(experimentId, 'RewardAssigned', c.index), 'RewardAssigned', { experimentId, candidateId: c.candidateId, reward, reason }, cause);
        return;
      }
      case 'UpdatePolicy': {
        // Multi-fidelity: each child teaches the controller its best fidelity so far, on the proxy's scale.
        const learned = command.children.map((c) => {
          if (config.multiFidelity === undefined) return { reward: c.reward ?? 0, rung: 0, accuracy: c.trained?.accuracy };
          const { accuracy, rung } = learningAccuracy(state, c);
          return { reward: rung === 0 ? (c.reward ?? 0) : rewardOf(c, config, accuracy).reward, rung, accuracy };
        });
        const results: ChildResult[] = command.children.map((c, i) => ({
          candidateId: c.candidateId, index: c.index, actions: c.proposal.actions, reward: learned[i]?.reward ?? 0, feasible: c.hardware?.feasible === true,
          float: c.float, ...(learned[i]?.accuracy === undefined ? {} : { accuracy: learned[i]?.accuracy }),
        }));
        const update = await controller.learn(results, command.step);
        controllerSteps = command.step + 1;
        const last = command.children[command.children.length - 1];
        const rewards = config.multiFidelity === undefined ? {} : { rewards: results.map((r, i) => ({ candidateId: r.candidateId, reward: r.reward, rung: learned[i]?.rung ?? 0 })) };
        await append(idFor(experimentId, 'PolicyUpdated', command.step), 'PolicyUpdated', {
          experimentId, step: command.step, baseline: update.baseline, ...(update.loss === undefined ? {} : { loss: update.loss }),
          checkpoint: update.checkpoint, controller: controller.kind, ...rewards,
        }, last === undefined ? undefined : idFor(experimentId, 'RewardAssigned', last.index));
        return;
      }
      case 'CompleteExperiment': {
        const summary = summarize(state, config);
        await append(idFor(experimentId, 'ExperimentCompleted'), 'ExperimentCompleted', {
          experimentId, bestCandidateId: summary.best?.candidateId ?? null, reason: command.reason,
          proposed: summary.proposed, pruned: summary.pruned, trained: summary.trained,
          // A zero-cost experiment's best is the top score, not an accuracy: ExperimentCompleted carries no bestAccuracy.
          ...(summary.best === null || summary.zeroCost !== undefined ? {} : { bestAccuracy: summary.best.accuracy }),
          paretoFront: summary.paretoFront.map((p) => p.candidateId),
        }, lastEventId);
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
    const code = typeof (error as { code?: unknown }).code === 'string' ? String((error as { code: string }).code) : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    await append(idFor(experimentId, 'ExperimentFailed'), 'ExperimentFailed', { experimentId, error: { code, message } }, lastEventId);
  }
};


/** The learning rate, warm-up, weight decay and augmentation of a proxy (or rung) run, or of a final run. */
const recipeOf = (config: ExperimentConfig, final: boolean): Pick<TrainOptions, 'learningRate' | 'augment' | 'warmupEpochs' | 'weightDecay'> => {
  const t = config.training;
  const f: Partial<ExperimentConfig['finalTraining']> = final ? config.finalTraining : {};
  const augment = f.augment ?? t.augment;
  // A final run warms up only when finalTraining says so: the proxy's warm-up is sized for its short runs.
  const warmupEpochs = final ? f.warmupEpochs : t.warmupEpochs;
  const weightDecay = f.weightDecay ?? t.weightDecay;
  return {
    learningRate: f.learningRate ?? t.learningRate,
    ...(augment === undefined ? {} : { augment }), ...(warmupEpochs === undefined ? {} : { warmupEpochs }), ...(weightDecay === undefined ? {} : { weightDecay }),
  };
};

const candidateToTrain = (c: CandidateRecord): Candidate => {
  const folded = (c.hardware as Record<string, unknown> | undefined)?.foldedCandidate;
  return (typeof folded === 'object' && folded !== null ? folded : c.proposal.candidate) as Candidate;
};

/** Evaluates a design; an invalid one (bad shape) becomes an infeasible report instead of an exception. */
const evaluateSafely = (hardware: HardwareEvaluator, candidate: Candidate, autoFold: boolean): HardwareReport => {
  try {
    return hardware.evaluate(candidate, { autoFold });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { device: hardware.device, luts: 0, throughputFps: 0, latencyMs: 0, feasible: false,
      violations: [{ constraint: 'valid design', limit: 0, actual: 1 }], layers: [{ error: message }], candidate };
  }
};

/** The job of one requested training: `<experimentId>-<kind>-<index>`; its stream is `job-<jobId>`. */
export const jobIdOf = (experimentId: string, kind: string, index: number): string => `${experimentId}-${kind}-${index}`;

/** Sleeps `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal?.aborted === true) { resolve(); return; }
  const timer = setTimeout(() => { signal?.removeEventListener('abort', done); resolve(); }, ms);
  const done = (): void => { clearTimeout(timer); resolve(); };
  signal?.addEventListener('abort', done, { once: true });
});

/** Training images of one run: the final run's, a rung's subset (at most the split), or the proxy's. */
export const trainImagesOf = (trainer: Pick<CandidateTrainer, 'trainImages' | 'finalTrainImages' | 'splitImages'>, final: boolean, subset?: number): number =>
  final ? (trainer.finalTrainImages ?? trainer.trainImages) : subset === undefined ? trainer.trainImages : Math.min(subset, trainer.splitImages ?? subset);

/** A TrainingStarted or EpochCompleted the loop copied from a job stream (it carries the job's id). */
const isMirroredProgress = (e: { type: string; data: unknown }): boolean =>
  (e.type === 'TrainingStarted' || e.type === 'EpochCompleted') && typeof (e.data as { jobId?: unknown }).jobId === 'string';
