// Public surface of the event store: the interface, the three backends, URL selection, errors, the hash chain
// and the migration runner (also used for read-model migrations).
export type {
  AppendResult,
  EventMetadata,
  EventMetadataInput,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  AnchorReader,
  StreamAnchor,
  PositionSeal,
} from './eventStore.js';
export { createEventStore, defaultStoreUrl, sqliteFileFromUrl } from './createEventStore.js';
export type { CreateEventStoreOptions } from './createEventStore.js';
export { SqliteEventStore } from './sqliteStore.js';
export type { SqliteEventStoreOptions } from './sqliteStore.js';
export { PostgresEventStore } from './postgresStore.js';
export type { PostgresEventStoreOptions } from './postgresStore.js';
// The KurrentDB class is not re-exported: createEventStore loads it on demand (its gRPC client is heavy).
export type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdbStore.js';
export { WrongExpectedRevisionError, isWrongExpectedRevisionError } from './errors.js';
export { canonicalJson, computeEventHash, sealPosition, verifyHashChain } from './hashChain.js';
export type { HashChainProblem } from './hashChain.js';
export { applySqliteMigrations, applyPostgresMigrations, migrationsDir } from './migrations.js';
export type { MigrationOptions, MigrationResult } from './migrations.js';
export { createPollingSubscription, Wakeup } from './pollingSubscription.js';
export type { PollingSubscriptionOptions } from './pollingSubscription.js';
