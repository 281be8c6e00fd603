// Fields that read or hash a whole stream (audit, replay, why, rescore): their results are cached by (stream, head
// position), identical calls in flight share one read, and each client may run only a few of them at once.
import { CosearchError } from '../errors.js';
import type { EventStore } from '../store/index.js';

/** Limits of stream-reading fields. All have defaults sized for a 2-core machine. */
export interface HeavyReadLimits {
  /** Stream-reading fields one client (token subject) may have running at once; more get BAD_USER_INPUT. @default 2 */
  maxPerClient: number;
  /** Stream-reading fields running at once over all clients; the rest wait their turn. @default 2 */
  maxConcurrent: number;
  /** Results kept, least recently used dropped first. @default 64 */
  cacheEntries: number;
  /**
   * How long a cached result is served while the stream's head position is unchanged, in ms. Bounds how late the API
   * sees tampering that leaves the head alone; the CLI never caches. @default 60000
   */
  cacheTtlMs: number;
}

/**
 * Complexity points of one stream-reading field (declared on each such field, plus its children): the default budget
 * of 5000 admits four per query beside other fields, instead of 2,500. A constant because decorators need one.
 */
export const STREAM_READ_COST = 1000;

export const DEFAULT_HEAVY_READ_LIMITS: HeavyReadLimits = {
  maxPerClient: 2,
  maxConcurrent: 2,
  cacheEntries: 64,
  cacheTtlMs: 60_000,
};

/** Names of the fields that read whole streams (documented in docs/api.md, Limits). */
export const HEAVY_READ_FIELDS = ['auditExperiment', 'experimentAsOf', 'whyCandidate', 'rescoreExperiment'] as const;

export interface HeavyReads {
  /**
   * Runs `read` for `client`, or returns the cached or in-flight result of the same `key` on the same stream head.
   * `streamId` undefined: nothing to cache by (the result is not cached, only capped).
   */
  run<T>(client: string, streamId: string | undefined, key: string, read: () => Promise<T>): Promise<T>;
  /** Calls running now, over all clients (for health). */
  running(): number;
}

interface Entry {
  value: Promise<unknown>;
  at: number;
}

/** Creates the limiter and cache of one server. `now` is injectable for tests. */
export const createHeavyReads = (
  store: EventStore,
  limits: HeavyReadLimits,
  now: () => number = Date.now,
): HeavyReads => {
  const cache = new Map<string, Entry>();
  const perClient = new Map<string, number>();
  const waiting: Array<() => void> = [];
  let active = 0;

  const acquire = async (): Promise<void> => {
    if (active < limits.maxConcurrent) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) active -= 1;
    else next();
  };
  const headOf = async (streamId: string): Promise<number> =>
    (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]?.position ?? 0;

  const remember = (key: string, entry: Entry): void => {
    cache.delete(key);
    cache.set(key, entry);
    for (const oldest of cache.keys()) {
      if (cache.size <= limits.cacheEntries) break;
      cache.delete(oldest);
    }
  };

  return {
    running: () => active,
    run: async <T>(client: string, streamId: string | undefined, key: string, read: () => Promise<T>): Promise<T> => {
      const fullKey = streamId === undefined ? undefined : `${streamId}@${await headOf(streamId)}:${key}`;
      const hit = fullKey === undefined ? undefined : cache.get(fullKey);
      if (fullKey !== undefined && hit !== undefined && now() - hit.at < limits.cacheTtlMs) {
        remember(fullKey, hit);
        return hit.value as Promise<T>;
      }
      const mine = perClient.get(client) ?? 0;
      if (mine >= limits.maxPerClient) {
        throw new CosearchError(
          'BAD_USER_INPUT',
          `expected at most ${limits.maxPerClient} stream-reading fields (${HEAVY_READ_FIELDS.join(', ')}) running at once for '${client}', ` +
            `but ${mine} already are; wait for them, or ask for fewer per query (repeats of one are cached)`,
          { limit: 'concurrency' },
        );
      }
      perClient.set(client, mine + 1);
      const value = (async () => {
        await acquire();
        try {
          return await read();
        } finally {
          release();
          const left = (perClient.get(client) ?? 1) - 1;
          if (left === 0) perClient.delete(client);
          else perClient.set(client, left);
        }
      })();
      if (fullKey !== undefined) {
        remember(fullKey, { value, at: now() });
        value.catch(() => cache.delete(fullKey));
      }
      return value;
    },
  };
};
