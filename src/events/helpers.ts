// Helpers around the catalog: stream ids, a typed event builder, deterministic ids and narrowing guards.
import { createHash, randomUUID } from 'node:crypto';
import { eventCatalog } from './catalog.js';
import type { ExperimentConfig } from './experimentConfig.js';
import type { EventData, EventInput, ExperimentEvent, ExperimentEventType } from './schemas.js';

/** Prefix of every experiment stream: `experiment-<experimentId>`. */
export const EXPERIMENT_STREAM_PREFIX = 'experiment-';

/** The stream holding every event of one experiment. */
export const experimentStreamId = (experimentId: string): string => `${EXPERIMENT_STREAM_PREFIX}${experimentId}`;

/** The experiment id of an `experiment-<id>` stream, or undefined for any other stream. */
export const experimentIdFromStream = (streamId: string): string | undefined =>
  streamId.startsWith(EXPERIMENT_STREAM_PREFIX) ? streamId.slice(EXPERIMENT_STREAM_PREFIX.length) : undefined;

/** Writer-supplied metadata (same shape as the store's EventMetadataInput). */
export interface NewEventMetadata {
  /** The experiment (or other unit of work) the event belongs to. */
  correlationId: string;
  /** Id of the event that caused this one. */
  causationId?: string;
  /** `system`, `cli`, `worker:<id>` or a token subject. */
  actor: string;
}

/** An event ready for EventStore.append, typed by its catalog entry. */
export interface NewEvent<T extends ExperimentEventType = ExperimentEventType> {
  id: string;
  type: T;
  data: EventInput<T>;
  metadata: NewEventMetadata;
}

export interface NewEventOptions {
  /** Event id; pass a derivedEventId(...) to make retries idempotent. @default timeOrderedEventId() */
  id?: string;
}

let lastIdMs = 0;
let idCounter = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of one process strictly
 * increasing within a millisecond, then 62 random bits. Ids that grow with time go to the end of a store's id index
 * instead of a random page of it (bench/store.ts measures both kinds). Reads the clock: not for pure code.
 */
export const timeOrderedEventId = (): string => {
  let ms = Date.now();
  if (ms <= lastIdMs) {
    idCounter += 1;
    // 4096 ids in one millisecond: borrow the next millisecond rather than lose the order.
    if (idCounter > 0xfff) {
      lastIdMs += 1;
      idCounter = 0;
    }
    ms = lastIdMs;
  } else {
    lastIdMs = ms;
    idCounter = 0;
  }
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID's last 17 characters: the variant nibble (8–b, 2 random bits) and 60 more random bits.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${idCounter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
};

/** Builds a typed event for EventStore.append. The store validates `data` against the catalog on append. */
export const newEvent = <T extends ExperimentEventType>(
  type: T,
  data: EventInput<T>,
  metadata: NewEventMetadata,
  options: NewEventOptions = {},
): NewEvent<T> => ({ id: options.id ?? timeOrderedEventId(), type, data, metadata });

/**
 * A UUID (version 8 layout) derived from sha256 of the parts, so a writer that retries after a crash produces
 * the same id and the store's idempotency turns the retry into a no-op. Example: derivedEventId(expId, 'proposed', 3).
 */
export const derivedEventId = (...parts: Array<string | number>): string => {
  const hex = createHash('sha256').update(parts.map(String).join('\u0000')).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const experimentTypes: ReadonlySet<string> = new Set<ExperimentEventType>([
  'ExperimentStarted',
  'CandidateProposed',
  'HardwareEvaluated',
  'TrainingRequested',
  'TrainingStarted',
  'EpochCompleted',
  'CandidateTrained',
  'RewardAssigned',
  'PolicyUpdated',
  'CandidatePromoted',
  'RungClosed',
  'ExperimentCompleted',
  'ExperimentFailed',
  'ExperimentCancelled',
  'ExperimentResumed',
]);

/**
 * True when a CandidateTrained's `accuracy` is a zero-cost score (its `zeroCost` names which), not a validation
 * accuracy in 0..1: best-accuracy read models, the model zoo and progress skip it.
 */
export const isZeroCostScore = (data: { zeroCost?: unknown }): boolean => typeof data.zeroCost === 'string';

const terminalTypes: ReadonlySet<string> = new Set<ExperimentEventType>([
  'ExperimentCompleted',
  'ExperimentFailed',
  'ExperimentCancelled',
]);

/** True for the events that end an experiment (completed, failed, cancelled): the last of its stream. */
export const isTerminalEventType = (type: string): boolean => terminalTypes.has(type);

/** True when `type` is one of the experiment events of the first catalog. */
export const isExperimentEventType = (type: string): type is ExperimentEventType => experimentTypes.has(type);

/** Narrows a recorded event (already validated by the store on read) to one catalog type. */
export const isEventOfType = <T extends ExperimentEventType>(
  event: { type: string; data: unknown },
  type: T,
): event is { type: T; data: EventData<T> } => event.type === type;

/**
 * Views a recorded event as the ExperimentEvent union so a `switch (e.type)` narrows `e.data`. The store has
 * validated the data on read; returns undefined for types outside the experiment catalog.
 */
export const asExperimentEvent = (event: {
  type: string;
  data: unknown;
  metadata?: { schemaVersion?: number };
}): ExperimentEvent | undefined => {
  if (!isExperimentEventType(event.type)) return undefined;
  const schemaVersion = event.metadata?.schemaVersion ?? eventCatalog.currentVersion(event.type) ?? 1;
  return { type: event.type, schemaVersion, data: event.data } as ExperimentEvent;
};

/**
 * The parsed config of an experiment stream's first event (ExperimentStarted stores it parsed, defaults filled), or
 * undefined when the stream is empty or does not begin with ExperimentStarted.
 */
export const startedConfigOf = (first: { type: string; data: unknown } | undefined): ExperimentConfig | undefined =>
  first?.type === 'ExperimentStarted' ? (first.data as EventData<'ExperimentStarted'>).config : undefined;
