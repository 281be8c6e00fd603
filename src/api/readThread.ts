// Entry of one read thread (see readThreads.ts): opens its own connection to the server's store and answers audit
// and replay-as-of jobs with the same code the inline path runs, so the server's event loop only maps results.
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { isCosearchError } from '../errors.js';
import { createEventStore, type EventStore } from '../store/index.js';
import { inlineStreamReads, type StreamReads } from './streamReads.js';
import type { ReadJob, ReadReply, ReadThreadInit } from './readThreads.js';

const init = workerData as ReadThreadInit;

// Below the event loop: on Linux a thread has its own id and nice value, so a read thread yields the CPU to the
// server's main thread (health, subscriptions) whenever both want it. Elsewhere this is a no-op.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // No /proc (macOS, Windows) or no permission: the thread keeps the process's priority.
}
let reads: Promise<{ store: EventStore; reads: StreamReads }> | undefined;
const open = (): Promise<{ store: EventStore; reads: StreamReads }> => {
  reads ??= createEventStore(init.storeUrl).then((store) => ({ store, reads: inlineStreamReads(store) }));
  return reads;
};

const answer = async (job: ReadJob): Promise<ReadReply> => {
  try {
    const { reads: run } = await open();
    const value =
      job.kind === 'audit'
        ? await run.audit(job.experimentId, job.options)
        : await run.asOf(job.experimentId, job.until);
    return { id: job.id, ok: true, value };
  } catch (error) {
    const details = (error as { details?: unknown }).details;
    return {
      id: job.id,
      ok: false,
      error: isCosearchError(error)
        ? {
            code: error.code,
            message: error.message,
            ...(details === undefined ? {} : { details: details as Record<string, unknown> }),
          }
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
    };
  }
};

parentPort?.on('message', (message: ReadJob | { kind: 'close' }) => {
  if (message.kind === 'close') {
    void (reads ?? Promise.resolve(undefined))
      .then((opened) => opened?.store.close())
      .finally(() => parentPort?.close());
    return;
  }
  void answer(message).then((reply) => parentPort?.postMessage(reply));
});
