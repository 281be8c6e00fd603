// `cosearch worker`'s runtime: follows the store's job board, claims the oldest claimable job at its job stream's
// expected revision (so exactly one worker wins it), trains it with heartbeats that extend the lease, and reports
// the result. A result from a worker that lost its lease is recorded as TrainingResultRejected and never counted.
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { CosearchError } from '../errors.js';
import {
  jobStreamId,
  timeOrderedEventId,
  workerStreamId,
  type EventData,
  type JobEventData,
  type JobEventType,
  type WorkerEventData,
  type WorkerEventType,
} from '../events/index.js';
import { isWrongExpectedRevisionError, type EventStore } from '../store/index.js';
import type { Candidate } from '../space/index.js';
import {
  createJobBoard,
  evolveBoard,
  nextClaimable,
  nextLeaseExpiry,
  type BoardJob,
  type JobBoard,
} from './jobBoard.js';
import { foldJob, isClaimable, isHeldBy, type JobEpoch, type JobState } from './jobState.js';

/** What a worker trains with: the loop's trainer port, seen from the job's recorded options. */
export interface JobTrainer {
  readonly backend: string;
  /** Training images of a run with these options (recorded in the claim, mirrored into TrainingStarted). */
  trainImagesFor(options: JobOptions): number;
  train(
    candidate: Candidate,
    options: JobOptions & { signal: AbortSignal },
    onEpoch: (epoch: JobEpoch) => Promise<void>,
  ): Promise<JobResult>;
}

/** The trainer options a TrainingRequested carries (epochs, batchSize, learningRate, seed, final, subset, …). */
export type JobOptions = EventData<'TrainingRequested'>['options'];

export interface JobResult {
  accuracy: number;
  testAccuracy?: number;
  zeroCost?: string;
  epochs: number;
  trainSeconds: number;
  backend: string;
}

/** Options of runWorker. */
export interface WorkerOptions {
  store: EventStore;
  /** Unique among the store's workers. @default `<host>-<pid>` */
  workerId?: string;
  /** @default os.hostname() */
  host?: string;
  /** The trainer of an experiment, from its ExperimentStarted config (the caller caches it). */
  trainerFor(experimentId: string, config: Record<string, unknown>): Promise<JobTrainer>;
  /** How long a claim lasts without a heartbeat, in ms. @default 30000 */
  leaseMs?: number;
  /** Heartbeat period, in ms. @default leaseMs / 3 */
  heartbeatMs?: number;
  /** Stop after this many reported results. @default unlimited */
  maxJobs?: number;
  /** Stop (reason 'lost the store') after store calls fail for this long, in ms. @default 60000 */
  giveUpMs?: number;
  /** Stops the worker; a job in training is handed back (TrainingAbandoned, retryable). */
  signal?: AbortSignal;
  /** Progress lines (claimed, reported, lost, …), for the CLI's log. */
  onLog?: (line: string) => void;
  /** Injected clock. @default Date.now */
  now?: () => number;
}

export interface WorkerResult {
  workerId: string;
  /** Results this worker reported that were counted. */
  trained: number;
  /** Results it reported after losing the lease (recorded, not counted). */
  rejected: number;
  reason: string;
}

/** Thrown inside a job when the worker no longer holds it. */
class LeaseLost extends Error {}

/** Sleeps `ms`, or less when `signal` aborts (Node's abortable timer; the abort is not an error here). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs a worker until `signal` aborts, `maxJobs` results are reported, or the store stays unreachable. */
export const runWorker = async (options: WorkerOptions): Promise<WorkerResult> => {
  const { store } = options;
  const host = options.host ?? hostname();
  const workerId = options.workerId ?? `${host}-${process.pid}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const giveUpMs = options.giveUpMs ?? 60_000;
  const now = options.now ?? Date.now;
  const log = options.onLog ?? (() => undefined);
  const stop = new AbortController();
  const onOuter = (): void => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuter, { once: true });
  const result: WorkerResult = { workerId, trained: 0, rejected: 0, reason: 'stopped' };
  const board: JobBoard = createJobBoard();
  const configs = new Map<string, Record<string, unknown>>();
  /** Experiments this worker cannot train (no dataset here, a bad config): their jobs are left to other workers. */
  const refused = new Set<string>();
  let wake: () => void = () => undefined;
  let failingSince: number | undefined;
  let lostStore = false;

  /** Runs a store call, retrying failures (not conflicts) until `giveUpMs` has passed since the first one. */
  const withStore = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await call();
        if (failingSince !== undefined) log(`store reachable again (${what})`);
        failingSince = undefined;
        return value;
      } catch (error) {
        if (isWrongExpectedRevisionError(error) || (error as { code?: unknown }).code === 'BAD_USER_INPUT') throw error;
        failingSince ??= now();
        if (now() - failingSince > giveUpMs) {
          lostStore = true;
          stop.abort(new Error('lost the store'));
          throw new CosearchError(
            'INTERNAL',
            `worker ${workerId} lost the store: ${what} failed for ${Math.round(giveUpMs / 1000)} s (last: ${messageOf(error)})`,
          );
        }
        if (attempt === 1) log(`store call failed (${what}): ${messageOf(error)}; retrying`);
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 5), 2000));
      }
    }
  };

  const appendWorker = async <T extends WorkerEventType>(type: T, data: WorkerEventData[T]): Promise<void> => {
    const event = {
      id: timeOrderedEventId(),
      type,
      data,
      metadata: { correlationId: workerId, actor: `worker:${workerId}` },
    };
    await withStore(type, () => store.append(workerStreamId(workerId), [event], 'any'));
  };

  /** Follows `$all` into the board; resubscribes from where it was after a failure. */
  const follow = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      const sub = store.subscribeToAll({ after: board.position });
      const closeOnStop = (): void => void sub.close();
      stop.signal.addEventListener('abort', closeOnStop, { once: true });
      try {
        for await (const event of sub) {
          evolveBoard(board, event);
          wake();
        }
      } catch (error) {
        log(`job board subscription failed: ${messageOf(error)}; resubscribing`);
        await sleep(500, stop.signal);
      } finally {
        stop.signal.removeEventListener('abort', closeOnStop);
      }
    }
  };

  const configOf = async (experimentId: string): Promise<Record<string, unknown>> => {
    const cached = configs.get(experimentId);
    if (cached !== undefined) return cached;
    const [first] = await withStore('read config', () =>
      store.readStream(`experiment-${experimentId}`, { maxCount: 1 }),
    );
    const config = (first?.data as { config?: Record<string, unknown> } | undefined)?.config;
    if (config === undefined)
      throw new CosearchError(
        'NOT_FOUND',
        `expected experiment ${experimentId} to start with ExperimentStarted, but its stream is empty`,
      );
    configs.set(experimentId, config);
    return config;
  };

  const readJob = async (jobId: string): Promise<JobState> =>
    foldJob(jobId, await withStore('read job', () => store.readStream(jobStreamId(jobId))));

  /** The job-stream writer of one claim: appends at the revision it holds; a conflict re-reads and re-checks the lease. */
  const createJobWriter = (jobId: string, attempt: number, revision: number) => {
    let at = revision;
    let queue: Promise<unknown> = Promise.resolve();
    const write = <T extends JobEventType>(type: T, data: JobEventData[T]): Promise<void> => {
      // One id per write: a retry after a lost reply (the append committed) is then a no-op, never a second event.
      const event = {
        id: timeOrderedEventId(),
        type,
        data,
        metadata: { correlationId: jobId, actor: `worker:${workerId}` },
      };
      const next = queue.then(async () => {
        for (;;) {
          try {
            const r = await withStore(type, () => store.append(jobStreamId(jobId), [event], at));
            at = r.nextExpectedRevision;
            return;
          } catch (error) {
            if (!isWrongExpectedRevisionError(error)) throw error;
            const state = await readJob(jobId);
            if (!isHeldBy(state, workerId, attempt))
              throw new LeaseLost(
                `job ${jobId} was claimed by ${state.claim?.workerId ?? 'nobody'} (attempt ${state.claim?.attempt ?? 0})`,
              );
            at = state.revision;
          }
        }
      });
      queue = next.catch(() => undefined);
      return next;
    };
    return { write };
  };

  const leaseUntil = (): string => new Date(now() + leaseMs).toISOString();

  /** Claims `entry` (false when another worker won it), trains it and reports. */
  const work = async (entry: BoardJob): Promise<boolean> => {
    const { jobId, experimentId, request } = entry;
    const fresh = await readJob(jobId);
    entry.job = fresh;
    if (!isClaimable(fresh, now())) return false;
    let trainer: JobTrainer;
    try {
      trainer = await options.trainerFor(experimentId, await configOf(experimentId));
    } catch (error) {
      refused.add(experimentId);
      log(`cannot train experiment ${experimentId} here: ${messageOf(error)}; its jobs are left to other workers`);
      return false;
    }
    const attempt = fresh.attempts + 1;
    const holder = { jobId, workerId, attempt };
    const claim = {
      id: timeOrderedEventId(),
      type: 'TrainingClaimed',
      data: {
        ...holder,
        experimentId,
        candidateId: request.candidateId,
        host,
        leaseExpiresAt: leaseUntil(),
        backend: trainer.backend,
        trainImages: trainer.trainImagesFor(request.options),
      } satisfies JobEventData['TrainingClaimed'],
      metadata: { correlationId: jobId, actor: `worker:${workerId}` },
    };
    try {
      const claimed = await withStore('claim', () =>
        store.append(jobStreamId(jobId), [claim], fresh.revision < 0 ? 'no_stream' : fresh.revision),
      );
      log(`claimed ${jobId} (attempt ${attempt})`);
      const writer = createJobWriter(jobId, attempt, claimed.nextExpectedRevision);
      await train(entry, trainer, writer.write, holder);
    } catch (error) {
      if (isWrongExpectedRevisionError(error)) return false;
      throw error;
    }
    return true;
  };

  const train = async (
    entry: BoardJob,
    trainer: JobTrainer,
    write: ReturnType<typeof createJobWriter>['write'],
    holder: { jobId: string; workerId: string; attempt: number },
  ): Promise<void> => {
    const { jobId, experimentId, request } = entry;
    const abort = new AbortController();
    let lost: LeaseLost | undefined;
    const onLost = (error: unknown): void => {
      if (error instanceof LeaseLost) {
        lost = error;
        abort.abort(error);
        return;
      }
      abort.abort(error);
    };
    const heartbeat = setInterval(() => {
      if (board.ended.has(experimentId)) abort.abort(new Error(`experiment ${experimentId} ended`));
      write('LeaseRenewed', { ...holder, leaseExpiresAt: leaseUntil() }).catch(onLost);
    }, heartbeatMs);
    const onStop = (): void => abort.abort(new Error('worker stopping'));
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      const outcome = await trainer.train(
        request.candidate as object as Candidate,
        { ...request.options, signal: abort.signal },
        async (epoch) => {
          await write('EpochReported', { ...holder, leaseExpiresAt: leaseUntil(), ...epoch }).catch(onLost);
        },
      );
      clearInterval(heartbeat);
      const reported = { ...holder, ...outcome };
      try {
        if (lost !== undefined) throw lost;
        await write('TrainingReported', reported);
        result.trained += 1;
        log(`reported ${jobId}: ${outcome.accuracy.toFixed(4)}`);
      } catch (error) {
        if (!(error instanceof LeaseLost)) throw error;
        result.rejected += 1;
        log(`lost ${jobId} before reporting (${error.message}); its result is recorded as rejected`);
        const rejected = {
          id: timeOrderedEventId(),
          type: 'TrainingResultRejected',
          data: {
            ...reported,
            reason: `lease lost: ${error.message}`,
          } satisfies JobEventData['TrainingResultRejected'],
          metadata: { correlationId: jobId, actor: `worker:${workerId}` },
        };
        await withStore('reject', () => store.append(jobStreamId(jobId), [rejected], 'any'));
      }
    } catch (error) {
      clearInterval(heartbeat);
      if (lost !== undefined) {
        log(`lost ${jobId}: ${lost.message}`);
        return;
      }
      if (board.ended.has(experimentId)) {
        log(`dropped ${jobId}: experiment ${experimentId} ended`);
        return;
      }
      // Stopping, or cut off from the store: hand the job back so another worker can claim it at once.
      const retryable = stop.signal.aborted;
      const code =
        typeof (error as { code?: unknown }).code === 'string' ? String((error as { code: string }).code) : 'INTERNAL';
      log(`${retryable ? 'handing back' : 'training failed for'} ${jobId}: ${messageOf(error)}`);
      await write('TrainingAbandoned', { ...holder, retryable, error: { code, message: messageOf(error) } }).catch(
        () => undefined,
      );
    } finally {
      clearInterval(heartbeat);
      stop.signal.removeEventListener('abort', onStop);
    }
  };

  await appendWorker('WorkerStarted', { workerId, host, pid: process.pid, leaseSeconds: leaseMs / 1000 });
  log(`worker ${workerId} on ${host}: lease ${leaseMs / 1000} s`);
  const following = follow();
  try {
    while (!stop.signal.aborted && (options.maxJobs === undefined || result.trained < options.maxJobs)) {
      const entry = nextClaimable(board, now(), refused);
      if (entry === undefined) {
        const expiry = nextLeaseExpiry(board);
        const waitMs = Math.max(20, Math.min(1000, expiry === undefined ? 1000 : expiry - now() + 5));
        // Woken by the next board event, the stop signal, or the time the next lease runs out.
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            stop.signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, waitMs);
          wake = done;
          stop.signal.addEventListener('abort', done, { once: true });
        });
        wake = () => undefined;
        continue;
      }
      try {
        await work(entry);
      } catch (error) {
        if (stop.signal.aborted) break;
        log(`job ${entry.jobId} failed: ${messageOf(error)}`);
        await sleep(500, stop.signal);
      }
    }
    if (options.maxJobs !== undefined && result.trained >= options.maxJobs)
      result.reason = `max jobs (${options.maxJobs}) reported`;
  } finally {
    if (lostStore) result.reason = 'lost the store';
    stop.abort(new Error('worker stopped'));
    await following;
    options.signal?.removeEventListener('abort', onOuter);
    if (!lostStore) {
      await appendWorker('WorkerStopped', { workerId, reason: result.reason, trained: result.trained }).catch(
        () => undefined,
      );
    }
  }
  return result;
};
