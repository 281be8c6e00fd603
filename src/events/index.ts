// Public surface of the event catalog: zod definitions, inferred types, the registry and helpers.
export {
  ExperimentEvent,
  ExperimentStarted,
  CandidateProposed,
  HardwareEvaluated,
  TrainingStarted,
  EpochCompleted,
  CandidateTrained,
  RewardAssigned,
  PolicyUpdated,
  CandidatePromoted,
  RungClosed,
  ExperimentCompleted,
  ExperimentFailed,
  ExperimentCancelled,
  ExperimentResumed,
  ExperimentStartedData,
  CandidateProposedData,
  HardwareEvaluatedData,
  TrainingStartedData,
  EpochCompletedData,
  CandidateTrainedData,
  RewardAssignedData,
  PolicyUpdatedData,
  CandidatePromotedData,
  RungClosedData,
  ExperimentCompletedData,
  ExperimentFailedData,
  ExperimentCancelledData,
  ExperimentResumedData,
  ConstraintViolation,
  experimentEventDefinitions,
} from './schemas.js';
export type { EventData, ExperimentEventType } from './schemas.js';
export { eventCatalog, registerEvent, registerUpcaster, validateEvent } from './catalog.js';
export type { EventDefinition, Upcaster, ValidatedEventResult } from './catalog.js';
export {
  EXPERIMENT_STREAM_PREFIX,
  experimentStreamId,
  experimentIdFromStream,
  newEvent,
  derivedEventId,
  timeOrderedEventId,
  isExperimentEventType,
  isEventOfType,
  asExperimentEvent,
  isZeroCostScore,
} from './helpers.js';
export type { NewEvent, NewEventMetadata, NewEventOptions } from './helpers.js';
export {
  RESCORING_STREAM_PREFIX,
  rescoringStreamId,
  RescoreConstraints,
  RescoreStartedData,
  CandidateRescoredData,
  RescoreCompletedData,
} from './rescoreEvents.js';
