// The KurrentDB/EventStoreDB backend via @kurrent/kurrentdb-client. The server owns positions, revisions and
// concurrency; this adapter adds catalog validation, the hash chain and the store's idempotency rule.
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { CosearchError } from '../errors.js';
import {
  chainEvents,
  decodeRow,
  idempotentResult,
  prepareEvents,
  readValidationMode,
  type ReadValidation,
} from './appendPreparation.js';
import { assertExpectedRevision, WrongExpectedRevisionError } from './errors.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './eventStore.js';

/** Options of the KurrentDB backend. */
export interface KurrentDbEventStoreOptions {
  /**
   * Read check: `true` upcasts and validates rows stored at another schemaVersion and trusts rows at the current one;
   * `'strict'` re-validates every event; `false` returns events as stored. @default true
   */
  validateOnRead?: boolean | 'strict';
}

type AnyResolved = ResolvedEvent | AllStreamResolvedEvent;

const isNotFound = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  /not.?found/i.test(String((error as { type?: unknown }).type ?? (error as Error).message));
const isWrongVersion = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  /wrong.?expected/i.test(String((error as { type?: unknown }).type ?? (error as Error).message));

// $all positions are the server's commit positions: increasing, not contiguous. Numbers are exact below 2^53 bytes.
const toPosition = (position: Position | undefined, commitPosition: bigint | undefined): number =>
  Number(position?.commit ?? commitPosition ?? 0n);

export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb';
  /** The underlying client, for callers that need server features the EventStore interface does not cover. */
  readonly client: KurrentDBClient;
  private readonly readValidation: ReadValidation;

  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    // The client understands kurrentdb:// and esdb:// (and their +discover forms) itself.
    this.client = KurrentDBClient.connectionString(connectionString);
    this.readValidation = readValidationMode(options.validateOnRead);
  }

  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const prepared = prepareEvents(streamId, events, expectedRevision);
    // The chain needs the previous hash, so even 'any' appends at the revision just read, retrying on a race.
    for (let attempt = 0; ; attempt += 1) {
      const recent = await this.readStream(streamId, {
        direction: 'backwards',
        maxCount: Math.max(prepared.length, 1) * 2 + 10,
      });
      const ids = new Set(prepared.map((event) => event.id));
      const existing = recent.filter((event) => ids.has(event.id)).map((event) => ({ ...event }));
      const idempotent = idempotentResult(streamId, prepared.length, existing);
      if (idempotent !== undefined) return idempotent;
      const last = recent[0];
      const lastRevision = last?.revision ?? -1;
      assertExpectedRevision(streamId, expectedRevision, lastRevision);
      if (prepared.length === 0) return { nextExpectedRevision: lastRevision, position: last?.position ?? 0 };
      const chained = chainEvents(prepared, lastRevision, last?.metadata.hash ?? '', new Date().toISOString());
      try {
        const result = await this.client.appendToStream(
          streamId,
          chained.map((event) =>
            jsonEvent({
              id: event.id,
              type: event.type,
              data: event.data as Record<string, unknown>,
              metadata: JSON.parse(event.metadataJson) as Record<string, unknown>,
            }),
          ),
          { streamState: lastRevision < 0 ? NO_STREAM : BigInt(lastRevision) },
        );
        return {
          nextExpectedRevision: Number(result.nextExpectedRevision),
          position: toPosition(result.position, undefined),
        };
      } catch (error) {
        if (!isWrongVersion(error)) throw error;
        if (expectedRevision !== 'any' || attempt >= 5)
          throw new WrongExpectedRevisionError(streamId, expectedRevision, 'no_stream');
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      const events = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of events) {
        const event = this.decode(resolved);
        if (event !== undefined) out.push(event);
      }
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const after = options.after ?? 0;
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const maxCount = options.maxCount ?? 1000;
    const out: RecordedEvent[] = [];
    const from = backwards
      ? options.before === undefined
        ? END
        : { commit: BigInt(before), prepare: BigInt(before) }
      : after === 0
        ? START
        : { commit: BigInt(after), prepare: BigInt(after) };
    const events = this.client.readAll({
      direction: backwards ? BACKWARDS : FORWARDS,
      fromPosition: from,
      filter: excludeSystemEvents(),
    });
    for await (const resolved of events) {
      const event = this.decode(resolved);
      if (event === undefined || event.position <= after || event.position >= before) continue;
      out.push(event);
      if (out.length >= maxCount) break;
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const after = options.after ?? 0;
    const subscription = this.client.subscribeToAll({
      fromPosition: after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) },
      filter:
        options.streamPrefix === undefined
          ? excludeSystemEvents()
          : streamNameFilter({ prefixes: [options.streamPrefix] }),
    });
    const decode = (resolved: AnyResolved): RecordedEvent | undefined => this.decode(resolved);
    async function* follow(): AsyncGenerator<RecordedEvent> {
      for await (const resolved of subscription) {
        const event = decode(resolved);
        if (event !== undefined && event.position > after) yield event;
      }
    }
    const iterator = follow();
    return { [Symbol.asyncIterator]: () => iterator, close: () => subscription.unsubscribe() };
  }

  async headPosition(): Promise<number> {
    const [last] = await this.readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position ?? 0;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private decode(resolved: AnyResolved): RecordedEvent | undefined {
    const event = resolved.event;
    if (event === undefined || !event.isJson || event.type.startsWith('$')) return undefined;
    const metadata = event.metadata as EventMetadata | undefined;
    if (metadata === undefined || typeof metadata.hash !== 'string') {
      throw new CosearchError(
        'ILLEGAL_STATE',
        `expected cosearch metadata (hash, prevHash) on event ${event.id} of '${event.streamId}', but found none`,
      );
    }
    return decodeRow(
      {
        id: event.id,
        streamId: event.streamId,
        revision: Number(event.revision),
        position: toPosition(event.position, resolved.commitPosition),
        type: event.type,
        data: event.data,
        metadata,
      },
      this.readValidation,
    );
  }
}
