// A pool of worker threads that trains several candidates at once, one tfjs instance per thread (default one
// per core). The dataset is copied once into shared memory; each worker trains one candidate at a time.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../compiledEntry.js';
import type { BackendName, Dataset, EpochProgress, ImageSet, TrainResult } from '../engine/index.js';
import { CosearchError, type ErrorCode } from '../errors.js';
import type { Candidate } from '../space/index.js';
import type {
  FromWorker,
  SharedDataset,
  SharedImageSet,
  ToWorker,
  WorkerInit,
  WorkerMemory,
  WorkerTrainOptions,
} from './protocol.js';

export interface TrainPoolOptions {
  /** The dataset every worker trains on (copied once into shared memory). */
  dataset: Dataset;
  /** Worker threads. @default process.env.COSEARCH_WORKERS, else os.availableParallelism() */
  workers?: number;
  /** Backend each worker selects. @default automatic (COSEARCH_BACKEND, else node → wasm → cpu) */
  backend?: BackendName;
  /** Path of the compiled worker script. @default dist/src/workers/trainWorker.js of this package */
  workerScript?: string;
  /**
   * Run a full V8 garbage collection in the worker after each candidate, before measuring its memory, so
   * `memory.heapUsedBytes` is the live heap rather than whatever the last GC left (costs a few ms per candidate).
   * @default false
   */
  gcAfterEach?: boolean;
}

export interface PoolTrainOptions {
  /** Called when a worker starts the candidate (for TrainingStarted). */
  onStart?: (info: { workerId: number; backend: string }) => void;
  onEpoch?: (progress: EpochProgress) => void;
  signal?: AbortSignal;
}

export interface PoolTrainResult extends TrainResult {
  workerId: number;
  /** The worker's memory right after this candidate's tensors were disposed. */
  memory: WorkerMemory;
}

export interface TrainPool {
  readonly size: number;
  /** Resolves once every worker has selected its backend (work can be queued before). */
  ready(): Promise<void>;
  train(candidate: Candidate, options?: WorkerTrainOptions, hooks?: PoolTrainOptions): Promise<PoolTrainResult>;
  /** Ends every worker; pending and running trainings fail with ILLEGAL_STATE. */
  close(): Promise<void>;
}

/** Number of workers from COSEARCH_WORKERS, or one per core. */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['COSEARCH_WORKERS'];
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `COSEARCH_WORKERS expects a positive integer, but got '${raw}'; unset it for one worker per core`,
    );
  }
  return n;
}

/** dist/src/workers/trainWorker.js, found from this module whether it runs from src/ (tests) or dist/. */
export const resolveWorkerScript = (): string =>
  compiledEntry(import.meta.url, 'workers/trainWorker.js', 'training worker');

const share = (set: ImageSet): SharedImageSet => {
  const images = new SharedArrayBuffer(set.images.length);
  new Uint8Array(images).set(set.images);
  const labels = new SharedArrayBuffer(set.labels.length);
  new Uint8Array(labels).set(set.labels);
  return { images, labels, count: set.count, height: set.height, width: set.width, channels: set.channels };
};

interface Task {
  taskId: number;
  candidate: Candidate;
  options: WorkerTrainOptions;
  hooks: PoolTrainOptions;
  resolve: (result: PoolTrainResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  workerId: number;
  worker: Worker;
  ready: boolean;
  backend: string;
  task?: Task;
}

export function createTrainPool(options: TrainPoolOptions): TrainPool {
  const size = options.workers ?? defaultWorkerCount();
  const script = options.workerScript ?? resolveWorkerScript();
  const { dataset } = options;
  const shared: SharedDataset = {
    name: dataset.name,
    classes: [...dataset.classes],
    sourceHash: dataset.sourceHash,
    train: share(dataset.train),
    test: share(dataset.test),
  };
  const queue: Task[] = [];
  const slots: Slot[] = [];
  const readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const allReady = (): boolean => slots.length === size && slots.every((s) => s.ready);
  let nextTaskId = 1;
  let closed = false;
  let lastError = 'no error reported';
  const failQueue = (): void => {
    for (const task of queue.splice(0)) {
      task.reject(new CosearchError('INTERNAL', `no training worker could start (${script}): ${lastError}`));
    }
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (!slot.ready || slot.task || queue.length === 0) continue;
      const task = queue.shift();
      if (!task) return;
      slot.task = task;
      task.hooks.onStart?.({ workerId: slot.workerId, backend: slot.backend });
      const message: ToWorker = {
        type: 'train',
        taskId: task.taskId,
        candidate: task.candidate,
        options: task.options,
      };
      slot.worker.postMessage(message);
    }
  };

  const spawn = (workerId: number): Slot => {
    const init: WorkerInit = {
      workerId,
      dataset: shared,
      gcAfterEach: options.gcAfterEach ?? false,
      ...(options.backend ? { backend: options.backend } : {}),
    };
    const slot: Slot = { workerId, worker: new Worker(script, { workerData: init }), ready: false, backend: '' };
    slot.worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true;
        slot.backend = message.backend;
        if (allReady()) for (const waiter of readyWaiters.splice(0)) waiter.resolve();
      } else if (slot.task && message.taskId === slot.task.taskId) {
        const task = slot.task;
        if (message.type === 'epoch') {
          task.hooks.onEpoch?.(message.progress);
          return;
        }
        slot.task = undefined;
        if (message.type === 'done') task.resolve({ ...message.result, workerId, memory: message.memory });
        else task.reject(new CosearchError(message.error.code as ErrorCode, message.error.message));
      }
      pump();
    });
    slot.worker.on('error', (error) => {
      lastError = error.message;
      slot.task?.reject(new CosearchError('INTERNAL', `training worker ${workerId} crashed: ${error.message}`));
      slot.task = undefined;
    });
    slot.worker.on('exit', () => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      slot.task?.reject(new CosearchError('INTERNAL', `training worker ${workerId} exited during training`));
      // A worker that crashed after starting is replaced; one that never started would fail again, so stop.
      if (!closed && slot.ready) slots.push(spawn(workerId));
      if (!slot.ready) {
        const error = new CosearchError(
          'INTERNAL',
          `training worker ${workerId} could not start (${script}): ${lastError}`,
        );
        for (const waiter of readyWaiters.splice(0)) waiter.reject(error);
      }
      if (slots.length === 0) failQueue();
    });
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(spawn(i));

  return {
    size,
    ready: () =>
      allReady()
        ? Promise.resolve()
        : new Promise<void>((resolveReady, reject) => void readyWaiters.push({ resolve: resolveReady, reject })),
    train: (candidate, trainOptions = {}, hooks = {}) =>
      new Promise<PoolTrainResult>((resolvePromise, reject) => {
        if (closed) throw new CosearchError('ILLEGAL_STATE', 'the training pool is closed; create a new one');
        const task: Task = {
          taskId: nextTaskId++,
          candidate,
          options: trainOptions,
          hooks,
          resolve: resolvePromise,
          reject,
        };
        hooks.signal?.addEventListener('abort', () => {
          const queued = queue.indexOf(task);
          if (queued >= 0) {
            queue.splice(queued, 1);
            reject(new CosearchError('ILLEGAL_STATE', 'training was cancelled'));
          }
          const slot = slots.find((s) => s.task === task);
          const message: ToWorker = { type: 'cancel', taskId: task.taskId };
          slot?.worker.postMessage(message);
        });
        queue.push(task);
        if (slots.length === 0) failQueue();
        pump();
      }),
    close: async () => {
      closed = true;
      for (const waiter of readyWaiters.splice(0))
        waiter.reject(new CosearchError('ILLEGAL_STATE', 'the training pool was closed'));
      for (const task of queue.splice(0))
        task.reject(new CosearchError('ILLEGAL_STATE', 'the training pool was closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
