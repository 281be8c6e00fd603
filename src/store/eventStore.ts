// The EventStore contract every backend (sqlite, postgres, kurrentdb) implements. See design.md,
// "Event store contract". Backends live beside this file; the contract suite is test/store/eventStoreContract.ts.

/** The revision a writer expects the stream to be at: no stream yet, anything, or an exact 0-based revision. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

/** Metadata the writer supplies. The store adds schemaVersion, recordedAt and the hash chain. */
export interface EventMetadataInput {
  /** The experiment (or other unit of work) the event belongs to. */
  correlationId: string;
  /** Id of the event that caused this one; absent for events caused by a user command. */
  causationId?: string;
  /** Who caused it: a token subject, `system`, `worker:<id>`, `cli`. */
  actor: string;
}

export interface EventToAppend {
  /** UUID chosen by the writer. Appending an id that is already stored is a no-op (idempotency). */
  id: string;
  type: string;
  /** Validated against the event catalog on append. */
  data: unknown;
  metadata: EventMetadataInput;
}

export interface EventMetadata extends EventMetadataInput {
  schemaVersion: number;
  /** ISO-8601 time of the append, from the store's clock. */
  recordedAt: string;
  /** sha256 hex over (prevHash, id, type, schemaVersion, data, metadata-without-hash). */
  hash: string;
  /** Hash of the previous event of the same stream; '' for revision 0. */
  prevHash: string;
  /** Set on read when the stored data was at this older schemaVersion and the catalog's upcasters lifted it. */
  upcastedFrom?: number;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based revision within the stream. */
  revision: number;
  /** Global position in `$all`, strictly increasing in commit order as seen by readers. */
  position: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextExpectedRevision: number;
  /** Global position of the last event written (or of the already-stored duplicate). */
  position: number;
}

export interface ReadStreamOptions {
  /** @default 'forwards' */
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision. @default 0 forwards, end of stream backwards */
  fromRevision?: number;
  /** @default unlimited */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > after. @default 0 (positions start at 1) */
  after?: number;
  /** Exclusive upper bound: events with position < before; page backwards with it. @default no bound */
  before?: number;
  /** @default 'forwards' */
  direction?: 'forwards' | 'backwards';
  /** @default 1000 */
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive start position: the subscriber receives every event with position > after, then live ones. */
  after?: number;
  /** Optional server-side filter on the stream id prefix, e.g. 'experiment-'. */
  streamPrefix?: string;
}

/** A catch-up-then-live subscription. Iterate it; call close() to stop (iteration then ends). */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** A stream's head as recorded beside its events, written in the same transaction as every append. */
export interface StreamAnchor {
  streamId: string;
  /** Revision of the stream's last event when it was last appended to. */
  revision: number;
  /** Chain hash of that event. */
  hash: string;
  /** Global position of that event. */
  position: number;
  /** Seal of that event (see `sealPosition`); null for a stream last written before anchors existed. */
  seal: string | null;
}

/** The position seal of one stored event; null for events written before anchors existed. */
export interface PositionSeal {
  revision: number;
  position: number;
  seal: string | null;
}

/**
 * The optional anchoring half of a backend (SQLite and PostgreSQL; KurrentDB owns its log and has none). Audit uses
 * it to see truncation (a stream that ends before its anchor) and moved global positions (a seal that no longer
 * matches its position).
 */
export interface AnchorReader {
  /** The recorded head of a stream; undefined when none is recorded. */
  readAnchor(streamId: string): Promise<StreamAnchor | undefined>;
  /** Every event's seal of a stream, in revision order. */
  readSeals(streamId: string): Promise<PositionSeal[]>;
}

export interface EventStore extends Partial<AnchorReader> {
  /** Backend name for logs and the API: 'sqlite' | 'postgres' | 'kurrentdb'. */
  readonly kind: string;
  append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Highest committed global position visible to readers (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}
