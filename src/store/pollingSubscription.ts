// Catch-up-then-live subscription shared by the SQLite and PostgreSQL backends: read `$all` in pages after a
// cursor; when caught up, sleep until a wake-up (local append, LISTEN/NOTIFY) or the poll interval.
import type { RecordedEvent, SubscribeOptions, Subscription } from './eventStore.js';

const MAX_CONSECUTIVE_FAILURES = 5;

/** A wake-up signal with a generation counter, so a wake that lands while a page is being read is not lost. */
export class Wakeup {
  private waiters = new Set<() => void>();
  generation = 0;

  wake(): void {
    this.generation += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiters) resolve();
  }

  /** Resolves on the next wake() or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

export interface PollingSubscriptionOptions extends SubscribeOptions {
  /** Reads up to `pageSize` events with position > after, in position order. */
  readPage: (after: number, pageSize: number) => Promise<RecordedEvent[]>;
  wakeup: Wakeup;
  /** Longest sleep between polls when no wake-up arrives, in ms. */
  pollIntervalMs: number;
  /** @default 500 */
  pageSize?: number;
  onClose?: () => void;
}

/** Creates a subscription that yields every event with position > after, then live ones, until close(). */
export const createPollingSubscription = (options: PollingSubscriptionOptions): Subscription => {
  const pageSize = options.pageSize ?? 500;
  const closeSignal = new Wakeup();
  let closed = false;
  let cursor = options.after ?? 0;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    closeSignal.wake();
    options.onClose?.();
  };

  async function* follow(): AsyncGenerator<RecordedEvent> {
    try {
      yield* pages();
    } finally {
      // A consumer that breaks out of for-await closes the subscription too.
      await close();
    }
  }

  async function* pages(): AsyncGenerator<RecordedEvent> {
    let failures = 0;
    while (!closed) {
      const generation = options.wakeup.generation;
      let page: RecordedEvent[];
      try {
        page = await options.readPage(cursor, pageSize);
        failures = 0;
      } catch (error) {
        // A dropped connection or a busy file should not end a long-lived subscription: retry a few times.
        failures += 1;
        if (closed) return;
        if (failures > MAX_CONSECUTIVE_FAILURES) throw error;
        await closeSignal.wait(options.pollIntervalMs * failures);
        continue;
      }
      for (const event of page) {
        if (closed) return;
        cursor = event.position;
        if (options.streamPrefix === undefined || event.streamId.startsWith(options.streamPrefix)) yield event;
      }
      if (page.length < pageSize && options.wakeup.generation === generation && !closed) {
        await Promise.race([options.wakeup.wait(options.pollIntervalMs), closeSignal.wait(options.pollIntervalMs)]);
      }
    }
  }

  const iterator = follow();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close,
  };
};
