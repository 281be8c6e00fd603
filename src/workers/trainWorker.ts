// Worker-thread entry: owns one tfjs instance, trains the candidates the pool sends, one at a time, on the
// dataset it received as shared memory. Runs only as compiled JS from dist/.
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, trainCandidate, type Dataset, type ImageSet } from '../engine/index.js';
import { isCosearchError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import type { FromWorker, SharedImageSet, ToWorker, WorkerInit } from './protocol.js';
import { exposeGc, measureWorkerMemory } from './workerMemory.js';

const port = parentPort;
if (!port) throw new Error('trainWorker.js must run as a worker thread of the training pool');
const init = workerData as WorkerInit;

const view = (set: SharedImageSet): ImageSet => ({
  images: new Uint8Array(set.images),
  labels: new Uint8Array(set.labels),
  count: set.count,
  height: set.height,
  width: set.width,
  channels: set.channels,
});
const dataset: Dataset = {
  name: init.dataset.name,
  classes: init.dataset.classes,
  sourceHash: init.dataset.sourceHash,
  train: view(init.dataset.train),
  test: view(init.dataset.test),
};

const send = (message: FromWorker): void => port.postMessage(message);
const running = new Map<number, AbortController>();
let queue = Promise.resolve();

const gc = init.gcAfterEach ? exposeGc() : undefined;
const backend = await selectBackend(init.backend ? { backend: init.backend } : {});
send({ type: 'ready', backend });

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.taskId)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.taskId, controller);
  queue = queue.then(async () => {
    const tensorsBefore = tf.memory().numTensors;
    try {
      const result = await trainCandidate(message.candidate, dataset, {
        ...message.options,
        signal: controller.signal,
        onEpoch: (progress) => send({ type: 'epoch', taskId: message.taskId, progress }),
      });
      send({ type: 'done', taskId: message.taskId, result, memory: measureWorkerMemory(tensorsBefore, gc) });
    } catch (error) {
      const code = isCosearchError(error) ? error.code : 'INTERNAL';
      const text = error instanceof Error ? error.message : String(error);
      send({
        type: 'failed',
        taskId: message.taskId,
        error: { code, message: text },
        memory: measureWorkerMemory(tensorsBefore, gc),
      });
    } finally {
      running.delete(message.taskId);
    }
  });
});
