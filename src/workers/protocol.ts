// Messages between the training pool (main thread) and its worker threads. Plain data only: functions and
// class instances do not cross threads; errors travel as {code, message} and are rebuilt on arrival.
import type { Candidate } from '../space/index.js';
import type { BackendName, EpochProgress, TrainOptions, TrainResult } from '../engine/index.js';

/** Trainer options that can cross a thread boundary (callbacks and signals stay on the main thread). */
export type WorkerTrainOptions = Omit<TrainOptions, 'onEpoch' | 'onBatch' | 'signal'>;

/** The dataset as shared memory: each worker views the same pixels without a copy. */
export interface SharedDataset {
  name: string;
  classes: string[];
  sourceHash: string;
  train: SharedImageSet;
  test: SharedImageSet;
}

export interface SharedImageSet {
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface WorkerInit {
  workerId: number;
  dataset: SharedDataset;
  backend?: BackendName;
  /** Run a full garbage collection before each memory measurement (see TrainPoolOptions.gcAfterEach). */
  gcAfterEach?: boolean;
}

/** A worker's memory, measured right after a candidate finished and its tensors were disposed. */
export interface WorkerMemory {
  /** Live tfjs tensors in this worker before the candidate started and after it finished. */
  tensorsBefore: number;
  numTensors: number;
  /** Bytes held by live tfjs tensors. */
  numBytes: number;
  /** This worker's V8 heap in use (per isolate), after a full GC when `afterGc`. */
  heapUsedBytes: number;
  /** This worker's memory outside the V8 heap that JS objects hold (ArrayBuffers, typed arrays). */
  externalBytes: number;
  /** Size of the wasm backend's linear memory (grows, never shrinks); absent on other backends. */
  wasmMemoryBytes?: number;
  /** Resident set of the whole process (every thread). */
  rssBytes: number;
  afterGc: boolean;
}

export type ToWorker =
  | { type: 'train'; taskId: number; candidate: Candidate; options: WorkerTrainOptions }
  | { type: 'cancel'; taskId: number };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'epoch'; taskId: number; progress: EpochProgress }
  | { type: 'done'; taskId: number; result: TrainResult; memory: WorkerMemory }
  | { type: 'failed'; taskId: number; error: { code: string; message: string }; memory: WorkerMemory };
