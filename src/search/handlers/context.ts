// What every decision handler gets from the loop: the folded state, the experiment's parts, and the one way to
// append. A handler appends its decision's event (idempotently, by a derived id) and returns; the loop folds again.
import type { EventInput, ExperimentEventType } from '../../events/index.js';
import type { SearchState } from '../../experiment/index.js';
import type { ExperimentConfig } from '../config.js';
import type { Controller } from '../controllers/controller.js';
import type { SearchCommand } from '../decide.js';
import type { SearchActionSpace } from '../deps.js';
import type { HardwareEvaluator } from '../ports.js';

/** Appends one event unless its id is already in the log; false when another writer won (state refreshed). */
export type Append = <T extends ExperimentEventType>(
  id: string,
  type: T,
  data: EventInput<T>,
  causationId?: string,
) => Promise<boolean>;

export interface LoopContext {
  experimentId: string;
  config: ExperimentConfig;
  /** The experiment seed, as an unsigned 32-bit integer. */
  seed: number;
  /** The loop's folded state (read-only here: only folding the appended events changes it). */
  state: SearchState;
  space: SearchActionSpace;
  hardware: HardwareEvaluator;
  controller: Controller;
  append: Append;
  /** The event id of `type` and `parts` in this experiment (derivedEventId): the same decision, the same id. */
  idFor: (type: ExperimentEventType | string, ...parts: Array<string | number>) => string;
  /** Id of the last event folded that is not mirrored worker progress: the cause of a decision no one event caused. */
  lastEventId: () => string | undefined;
}

/** The command of one kind. */
export type CommandOf<K extends SearchCommand['type']> = Extract<SearchCommand, { type: K }>;
