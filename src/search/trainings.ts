// The loop's trainings: a local one (dispatch 'local', in this process) or one handed to the workers (dispatch
// 'workers': TrainingRequested, then the job's claim, epochs and result mirrored into the experiment stream). What a
// training is (kind, epochs, recipe, seed) is planned in one place for both.
import { setTimeout as delay } from 'node:timers/promises';
import { CosearchError, type ErrorCode } from '../errors.js';
import type { ExperimentConfig } from './config.js';
import type { Append, LoopContext } from './handlers/context.js';
import type { Candidate } from './deps.js';
import type { CandidateTrainer, EpochReport, TrainingDispatcher, TrainOptions, TrainResult } from './ports.js';
import { trainingKind, type CandidateRecord, type OutstandingJob, type SearchState } from '../experiment/index.js';

/** What the trainings need from the loop: its folded state and its one way to append. */
export interface TrainingContext {
  experimentId: string;
  config: ExperimentConfig;
  /** The experiment seed, as an unsigned 32-bit integer. */
  seed: number;
  state: SearchState;
  /** Appends one event unless its id is already in the log (see runExperiment). */
  append: Append;
  /** The loop's derived event ids (the same function its decision handlers use). */
  idFor: LoopContext['idFor'];
  catchUp: () => Promise<void>;
  aborted: () => boolean;
  trainer: CandidateTrainer | undefined;
  dispatcher: TrainingDispatcher | undefined;
  signal: AbortSignal | undefined;
}

/** The three training commands of the loop: train here, request from the workers, and wait for the oldest request. */
export const createTrainings = (ctx: TrainingContext) => {
  const { experimentId, config, seed, state, append, idFor, catchUp, aborted, trainer, dispatcher } = ctx;
  const options = { signal: ctx.signal };

  /** What one training of `c` is: its kind, options, the fields its events carry, and the event that caused it. */
  const planOf = (c: CandidateRecord, final: boolean, rung?: number) => {
    const rungConfig = rung === undefined ? undefined : config.multiFidelity?.rungs[rung - 1];
    if (rung !== undefined && rungConfig === undefined)
      throw new CosearchError(
        'ILLEGAL_STATE',
        `candidate ${c.candidateId} was promoted to rung ${rung}, but the config has ${config.multiFidelity?.rungs.length ?? 0} rungs`,
      );
    // Zero-cost scoring (proxy runs only; the config refuses rungs and final runs with it) trains no epoch.
    const zeroCost = final || rung !== undefined ? undefined : config.training.zeroCost;
    const epochs =
      zeroCost !== undefined
        ? 0
        : (rungConfig?.epochs ?? (final ? config.finalTraining.epochs : config.training.epochs));
    const kind = trainingKind(final, rung);
    const extra = {
      ...(final ? { final: true } : {}),
      ...(c.float ? { float: true } : {}),
      ...(rung === undefined ? {} : { rung }),
      ...(zeroCost === undefined ? {} : { zeroCost }),
    };
    const subset = rungConfig?.subset;
    const options: Omit<TrainOptions, 'signal'> = {
      epochs,
      batchSize: config.training.batchSize,
      ...recipeOf(config, final),
      seed: (Math.imul(seed, 1000003) + c.index) >>> 0,
      float: c.float,
      ...(final ? { final: true } : {}),
      ...(subset === undefined ? {} : { subset }),
      ...(zeroCost === undefined ? {} : { zeroCost }),
    };
    const cause = rung === undefined ? idFor('HardwareEvaluated', c.index) : idFor('CandidatePromoted', c.index, rung);
    const done = final ? c.finalEpochsDone : rung === undefined ? c.epochsDone : (c.rungs.get(rung)?.epochsDone ?? 0);
    return {
      kind,
      epochs,
      extra,
      subset,
      options,
      cause,
      done,
      zeroCost,
      startedId: idFor('TrainingStarted', kind, c.index),
    };
  };
  type Plan = ReturnType<typeof planOf>;

  /** Appends an epoch of a training unless it is logged already (a rerun repeats epochs; the first write stays). */
  const logEpoch = async (c: CandidateRecord, plan: Plan, epoch: EpochReport, by: object = {}): Promise<void> => {
    if (epoch.epoch <= plan.done) return;
    await append(
      idFor('EpochCompleted', plan.kind, c.index, epoch.epoch),
      'EpochCompleted',
      {
        experimentId,
        candidateId: c.candidateId,
        epoch: epoch.epoch,
        loss: epoch.loss,
        trainAccuracy: epoch.trainAccuracy,
        ...(epoch.valAccuracy === undefined ? {} : { valAccuracy: epoch.valAccuracy }),
        imagesPerSec: epoch.imagesPerSec,
        ...plan.extra,
        ...by,
      },
      plan.startedId,
    );
  };

  /** Appends a training's result, after checking it is the kind of score the plan asked for. */
  const logResult = async (c: CandidateRecord, plan: Plan, result: TrainResult, by: object = {}): Promise<void> => {
    if (result.zeroCost !== plan.zeroCost) {
      throw new CosearchError(
        'BAD_USER_INPUT',
        `expected the ${result.backend} trainer to return ${plan.zeroCost === undefined ? 'an accuracy' : `a '${plan.zeroCost}' zero-cost score`}, but it returned ${result.zeroCost === undefined ? 'an accuracy' : `a '${result.zeroCost}' score`}; use the engine trainer for training.zeroCost`,
      );
    }
    await append(
      idFor('CandidateTrained', plan.kind, c.index),
      'CandidateTrained',
      {
        experimentId,
        candidateId: c.candidateId,
        accuracy: result.accuracy,
        ...(result.testAccuracy === undefined ? {} : { testAccuracy: result.testAccuracy }),
        epochs: result.epochs,
        trainSeconds: result.trainSeconds,
        backend: result.backend,
        ...plan.extra,
        ...by,
      },
      plan.startedId,
    );
  };

  /** Dispatch 'local': trains `c` in this process. */
  const train = async (c: CandidateRecord, final: boolean, rung?: number): Promise<void> => {
    if (trainer === undefined)
      throw new CosearchError(
        'ILLEGAL_STATE',
        `experiment ${experimentId} trains in the loop's process (dispatch 'local'), but no trainer was given to runExperiment`,
      );
    const plan = planOf(c, final, rung);
    const trainImages = trainImagesOf(trainer, final, plan.subset);
    await append(
      plan.startedId,
      'TrainingStarted',
      {
        experimentId,
        candidateId: c.candidateId,
        backend: trainer.backend,
        epochs: plan.epochs,
        batchSize: config.training.batchSize,
        trainImages,
        ...plan.extra,
      },
      plan.cause,
    );
    const abort = new AbortController();
    const onOuterAbort = (): void => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort);
    try {
      const result = await trainer.train(
        candidateToTrain(c),
        { ...plan.options, signal: abort.signal },
        async (epoch) => {
          await logEpoch(c, plan, epoch);
          if (state.status !== 'running')
            abort.abort(new CosearchError('ILLEGAL_STATE', `experiment ${experimentId} is ${state.status}`));
        },
      );
      await logResult(c, plan, result);
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  };

  /** Dispatch 'workers': hands the training of `c` to the workers. */
  const request = async (c: CandidateRecord, final: boolean, rung?: number): Promise<void> => {
    const plan = planOf(c, final, rung);
    await append(
      idFor('TrainingRequested', plan.kind, c.index),
      'TrainingRequested',
      {
        experimentId,
        candidateId: c.candidateId,
        jobId: jobIdOf(experimentId, plan.kind, c.index),
        kind: plan.kind,
        candidate: { ...candidateToTrain(c) },
        options: { ...plan.options },
        ...(rung === undefined ? {} : { rung }),
        ...(final ? { final: true } : {}),
      },
      plan.cause,
    );
  };

  /**
   * Dispatch 'workers': mirrors the claims and epochs of every outstanding job into the experiment stream until the
   * OLDEST one has a result, then folds that result (or fails the experiment with the worker's training error).
   */
  const awaitOldest = async (oldest: OutstandingJob): Promise<void> => {
    if (dispatcher === undefined)
      throw new CosearchError(
        'ILLEGAL_STATE',
        `experiment ${experimentId} hands its trainings to workers (dispatch 'workers'), but no dispatcher was given to runExperiment`,
      );
    // A store blip while waiting (a dropped connection) is waited out; only STORE_GIVE_UP_MS of failures end the run.
    let failingSince: number | undefined;
    const inspect = async (jobId: string) => {
      try {
        const view = await dispatcher.inspect(jobId);
        failingSince = undefined;
        return view;
      } catch (error) {
        failingSince ??= Date.now();
        if (Date.now() - failingSince > STORE_GIVE_UP_MS) throw error;
        return undefined;
      }
    };
    for (;;) {
      for (const job of [...state.outstanding]) {
        const c = state.candidates[job.index];
        if (c === undefined) continue;
        const plan = planOf(c, job.final, job.rung);
        const view = await inspect(job.jobId);
        if (view === undefined) break;
        const claim = view.claim;
        if (claim === undefined) continue;
        const by = { jobId: job.jobId, workerId: claim.workerId };
        await append(
          plan.startedId,
          'TrainingStarted',
          {
            experimentId,
            candidateId: c.candidateId,
            backend: claim.backend,
            epochs: plan.epochs,
            batchSize: config.training.batchSize,
            trainImages: claim.trainImages,
            ...plan.extra,
            ...by,
          },
          plan.cause,
        );
        // Epochs logged on an earlier look are skipped by the plan's `done`, and within a look by their event ids.
        for (const epoch of view.epochs) await logEpoch(c, plan, epoch, by);
        if (job.jobId !== oldest.jobId) continue;
        if (view.failure !== undefined) {
          throw new CosearchError(
            view.failure.code as ErrorCode,
            `worker ${view.failure.workerId} failed training ${c.candidateId} (${job.kind}): ${view.failure.message}`,
          );
        }
        if (view.result !== undefined) {
          await logResult(c, plan, view.result.result, { jobId: job.jobId, workerId: view.result.workerId });
          return;
        }
      }
      if (aborted() || state.status !== 'running') return;
      await (dispatcher.waitForChange?.(dispatcher.pollMs ?? 250, options.signal) ??
        sleep(dispatcher.pollMs ?? 250, options.signal));
      await catchUp();
    }
  };

  return { train, request, awaitOldest };
};

/** The learning rate, warm-up, weight decay and augmentation of a proxy (or rung) run, or of a final run. */
const recipeOf = (
  config: ExperimentConfig,
  final: boolean,
): Pick<TrainOptions, 'learningRate' | 'augment' | 'warmupEpochs' | 'weightDecay'> => {
  const t = config.training;
  const f: Partial<ExperimentConfig['finalTraining']> = final ? config.finalTraining : {};
  const augment = f.augment ?? t.augment;
  // A final run warms up only when finalTraining says so: the proxy's warm-up is sized for its short runs.
  const warmupEpochs = final ? f.warmupEpochs : t.warmupEpochs;
  const weightDecay = f.weightDecay ?? t.weightDecay;
  return {
    learningRate: f.learningRate ?? t.learningRate,
    ...(augment === undefined ? {} : { augment }),
    ...(warmupEpochs === undefined ? {} : { warmupEpochs }),
    ...(weightDecay === undefined ? {} : { weightDecay }),
  };
};

const candidateToTrain = (c: CandidateRecord): Candidate => {
  const folded = (c.hardware as Record<string, unknown> | undefined)?.foldedCandidate;
  return (typeof folded === 'object' && folded !== null ? folded : c.proposal.candidate) as Candidate;
};

/** How long the loop waits out failing reads of the job streams before it gives up (the run stops; rerun resumes). */
const STORE_GIVE_UP_MS = 60_000;

/** The job of one requested training: `<experimentId>-<kind>-<index>`; its stream is `job-<jobId>`. */
export const jobIdOf = (experimentId: string, kind: string, index: number): string =>
  `${experimentId}-${kind}-${index}`;

/** Sleeps `ms`, or less when `signal` aborts (Node's abortable timer; the abort is not an error here). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);

/** Training images of one run: the final run's, a rung's subset (at most the split), or the proxy's. */
export const trainImagesOf = (
  trainer: Pick<CandidateTrainer, 'trainImages' | 'finalTrainImages' | 'splitImages'>,
  final: boolean,
  subset?: number,
): number =>
  final
    ? (trainer.finalTrainImages ?? trainer.trainImages)
    : subset === undefined
      ? trainer.trainImages
      : Math.min(subset, trainer.splitImages ?? subset);
