// Fans one live `subscribeToAll` of the event store out to many GraphQL subscribers, and gives each a catch-up
// from its cursor first. Events come from the store (so other processes' writes arrive), never from memory alone.
import type { EventStore, RecordedEvent, Subscription } from '../store/index.js';

type Listener = (event: RecordedEvent) => void;
type Failure = (error: unknown) => void;

/** One shared live subscription to the store, started on first use at the head position. */
export interface EventHub {
  /** Every event of `streamId` with position > `afterPosition`, in order, exactly once, then live ones. */
  follow(streamId: string, afterPosition: number): AsyncIterableIterator<RecordedEvent>;
  close(): Promise<void>;
}

export const createEventHub = (store: EventStore): EventHub => {
  const listeners = new Map<string, Set<Listener>>();
  const failures = new Set<Failure>();
  let live: Promise<Subscription> | undefined;

  const pump = async (subscription: Subscription): Promise<void> => {
    try {
      for await (const event of subscription) {
        for (const listener of listeners.get(event.streamId) ?? []) listener(event);
      }
    } catch (error) {
      live = undefined;
      for (const fail of failures) fail(error);
    }
  };

  // The hub starts at the head, so everything at or before it must come from the follower's catch-up read,
  // which happens after this resolves: nothing falls between the two.
  const start = (): Promise<Subscription> => {
    live ??= store.headPosition().then((head) => {
      const subscription = store.subscribeToAll({ after: head, streamPrefix: 'experiment-' });
      void pump(subscription);
      return subscription;
    });
    return live;
  };

  const follow = (streamId: string, afterPosition: number): AsyncIterableIterator<RecordedEvent> => {
    const queue: RecordedEvent[] = [];
    const waiting: Array<{ resolve: (r: IteratorResult<RecordedEvent>) => void; reject: (e: unknown) => void }> = [];
    let lastRevision = -1;
    let caughtUp = false;
    let done = false;
    let failure: unknown;
    const early: RecordedEvent[] = [];

    const deliver = (event: RecordedEvent): void => {
      // Dedupe on the stream revision: the catch-up read and the live feed may overlap.
      if (done || event.revision <= lastRevision) return;
      lastRevision = event.revision;
      if (event.position <= afterPosition) return;
      const waiter = waiting.shift();
      if (waiter) waiter.resolve({ value: event, done: false });
      else queue.push(event);
    };
    const listener: Listener = (event) => (caughtUp ? deliver(event) : early.push(event));
    const fail: Failure = (error) => {
      failure = error;
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    };
    const finish = (): IteratorResult<RecordedEvent> => {
      done = true;
      listeners.get(streamId)?.delete(listener);
      if (listeners.get(streamId)?.size === 0) listeners.delete(streamId);
      failures.delete(fail);
      for (const waiter of waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
      return { value: undefined, done: true };
    };

    const started = start().then(async () => {
      if (done) return;
      const set = listeners.get(streamId) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(streamId, set);
      failures.add(fail);
      const past = await store.readStream(streamId);
      for (const event of past) deliver(event);
      caughtUp = true;
      for (const event of early.splice(0)) deliver(event);
    });
    started.catch(fail);

    const iterator: AsyncIterableIterator<RecordedEvent> = {
      next: () => {
        const value = queue.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (failure !== undefined) return Promise.reject(failure);
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      return: () => Promise.resolve(finish()),
      throw: (error: unknown) => {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };

  return {
    follow,
    close: async () => {
      const current = live;
      live = undefined;
      listeners.clear();
      if (current) await (await current).close();
    },
  };
};

/** Maps an iterator lazily; `fn` returning undefined skips the item. return() reaches the source. */
export const mapIterator = <T, U>(
  source: AsyncIterableIterator<T>,
  fn: (item: T) => U | undefined,
): AsyncIterableIterator<U> => {
  const iterator: AsyncIterableIterator<U> = {
    next: async () => {
      for (;;) {
        const result = await source.next();
        if (result.done === true) return { value: undefined, done: true };
        const mapped = fn(result.value);
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
};
