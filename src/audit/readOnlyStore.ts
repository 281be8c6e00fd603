// A read-only view of an EventStore: the type has no append, and the object built by readOnlyStore() carries
// none either, so replay, audit and "why" cannot write, by construction rather than by convention.
import type { AnchorReader, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../store/index.js';

/** The reading half of EventStore (anchors included where the backend keeps them). Side-effect-free paths take it. */
export interface ReadOnlyEventStore extends Partial<AnchorReader> {
  readonly kind: string;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
}

/** Wraps a store so only its read methods are reachable; the wrapper object has no append, subscribe or close. */
export const readOnlyStore = (store: ReadOnlyEventStore): ReadOnlyEventStore => {
  const { readAnchor, readSeals } = store;
  return Object.freeze({
    kind: store.kind,
    readStream: (streamId: string, options?: ReadStreamOptions) => store.readStream(streamId, options),
    readAll: (options?: ReadAllOptions) => store.readAll(options),
    headPosition: () => store.headPosition(),
    ...(readAnchor === undefined || readSeals === undefined
      ? {}
      : {
          readAnchor: (streamId: string) => readAnchor.call(store, streamId),
          readSeals: (streamId: string) => readSeals.call(store, streamId),
        }),
  });
};

/**
 * Lets the event loop run between pages of a long read, so that a server answering an audit or a replay still answers
 * `health` and delivers subscriptions (better-sqlite3 reads and the hashing are synchronous).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads a whole stream forwards, page by page, so very long experiments do not need one giant query. */
export const readWholeStream = async (
  store: ReadOnlyEventStore,
  streamId: string,
  pageSize = 10_000,
): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  let fromRevision = 0;
  for (;;) {
    const page = await store.readStream(streamId, { direction: 'forwards', fromRevision, maxCount: pageSize });
    for (const event of page) out.push(event);
    const last = page[page.length - 1];
    if (page.length < pageSize || last === undefined) return out;
    fromRevision = last.revision + 1;
    await yieldToEventLoop();
  }
};

/** Scans `$all` forwards for the first event matching `predicate`; undefined when none does. */
export const findInAll = async (
  store: ReadOnlyEventStore,
  predicate: (event: RecordedEvent) => boolean,
  pageSize = 1000,
): Promise<RecordedEvent | undefined> => {
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    const hit = page.find(predicate);
    if (hit !== undefined) return hit;
    const last = page[page.length - 1];
    if (page.length < pageSize || last === undefined) return undefined;
    after = last.position;
    await yieldToEventLoop();
  }
};
