// Read threads: `cosearch serve` runs audits and replays (the whole-stream reads) on worker threads, each with its
// own store connection, so decoding and hashing a 28k-event stream never holds up `health` or a subscription on the
// server's event loop. A thread that dies fails its jobs with INTERNAL and is replaced on the next job.
import { Worker } from 'node:worker_threads';
import type { AuditOptions, ExperimentAuditResult, ReplayUntil } from '../audit/index.js';
import { compiledEntry } from '../compiledEntry.js';
import { CosearchError, type ErrorCode } from '../errors.js';
import type { AsOfView, StreamReads } from './streamReads.js';

export interface ReadThreadInit {
  storeUrl: string;
}

export type ReadJob =
  | { id: number; kind: 'audit'; experimentId: string; options: AuditOptions }
  | { id: number; kind: 'asOf'; experimentId: string; until: ReplayUntil | undefined };

export type ReadReply =
  | { id: number; ok: true; value: ExperimentAuditResult | AsOfView }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

export interface ReadThreadsOptions {
  /** The store the threads open (the server's own URL). */
  storeUrl: string;
  /** Threads; jobs beyond them queue. The API's maxConcurrent already bounds how many arrive at once. @default 2 */
  threads?: number;
  /** The compiled thread entry. @default dist/src/api/readThread.js of this package */
  script?: string;
}

/** The compiled thread entry (dist/src/api/readThread.js). */
export const resolveReadThreadScript = (): string => compiledEntry(import.meta.url, 'api/readThread.js', 'read thread');

interface Pending {
  job: ReadJob;
  resolve: (value: ExperimentAuditResult | AsOfView) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Pending | undefined;
}

/** Starts the threads lazily (on the first job), each opening the store once and keeping its connection. */
export const createReadThreads = (options: ReadThreadsOptions): StreamReads => {
  const size = Math.max(1, options.threads ?? 2);
  const script = options.script ?? resolveReadThreadScript();
  const init: ReadThreadInit = { storeUrl: options.storeUrl };
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const pump = (): void => {
    for (const slot of slots) {
      if (slot.job !== undefined) continue;
      const next = queue.shift();
      if (next === undefined) return;
      slot.job = next;
      slot.worker.postMessage(next.job);
    }
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(script, { workerData: init }), job: undefined };
    slot.worker.on('message', (reply: ReadReply) => {
      const pending = slot.job;
      if (pending === undefined || pending.job.id !== reply.id) return;
      slot.job = undefined;
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new CosearchError(reply.error.code, reply.error.message, reply.error.details));
      pump();
    });
    const fail = (cause: string): void => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      slot.job?.reject(
        new CosearchError('INTERNAL', `a read thread stopped during the read (${cause}); retry the query`),
      );
      slot.job = undefined;
      if (!closed && queue.length > 0) {
        slots.push(spawn());
        pump();
      }
    };
    slot.worker.on('error', (error) => fail(error.message));
    slot.worker.on('exit', (code) => fail(`exit code ${code}`));
    return slot;
  };

  const submit = <T extends ExperimentAuditResult | AsOfView>(job: ReadJob): Promise<T> => {
    if (closed)
      return Promise.reject(new CosearchError('ILLEGAL_STATE', 'the server is stopping; the read was not started'));
    return new Promise<T>((resolvePending, reject) => {
      queue.push({ job, resolve: resolvePending as (value: ExperimentAuditResult | AsOfView) => void, reject });
      if (slots.length < size && slots.every((slot) => slot.job !== undefined)) slots.push(spawn());
      pump();
    });
  };

  return {
    audit: (experimentId, auditOptions) =>
      submit<ExperimentAuditResult>({ id: nextId++, kind: 'audit', experimentId, options: auditOptions }),
    asOf: (experimentId, until) => submit<AsOfView>({ id: nextId++, kind: 'asOf', experimentId, until }),
    close: async () => {
      closed = true;
      for (const pending of queue.splice(0))
        pending.reject(new CosearchError('ILLEGAL_STATE', 'the server is stopping; the read was not started'));
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          slot.worker.removeAllListeners('exit');
          slot.job?.reject(new CosearchError('ILLEGAL_STATE', 'the server stopped during the read'));
          const exited = new Promise<void>((done) => slot.worker.once('exit', () => done()));
          slot.worker.postMessage({ kind: 'close' });
          const timer = setTimeout(() => void slot.worker.terminate(), 2000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
};
