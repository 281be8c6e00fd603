// Given / when / then for folds and deciders, in the style of Emmett's DeciderSpecification: given the events of
// a stream, when a command or a fold runs on the state they fold to, then the result (or the state) is checked.
import { expect } from 'vitest';
import type { RecordedEvent } from '../../src/store/index.js';

export interface Specification<State> {
  given(...events: RecordedEvent[]): {
    /** The state the events fold to, checked by `check` (an expected subset, or a function that asserts). */
    then(check: Partial<State> | ((state: State) => void)): void;
    when<Result>(act: (state: State) => Result): { then(check: Result | ((result: Result) => void)): void };
  };
}

const assertWith = <T>(actual: T, check: unknown): void => {
  if (typeof check === 'function') (check as (value: T) => void)(actual);
  else if (typeof check === 'object' && check !== null) expect(actual).toMatchObject(check as object);
  else expect(actual).toEqual(check);
};

/** A specification over `fold`, which folds a stream's events into the state the deciders read. */
export const specification = <State>(fold: (events: readonly RecordedEvent[]) => State): Specification<State> => ({
  given: (...events) => ({
    then: (check) => assertWith(fold(events), check),
    when: (act) => ({ then: (check) => assertWith(act(fold(events)), check) }),
  }),
});

let position = 0;

/** A recorded event of stream `experiment-<id>` for in-memory specifications (positions increase per call). */
export const recorded = (type: string, data: Record<string, unknown>, revision: number): RecordedEvent => {
  position += 1;
  return {
    id: `${type}-${position}`,
    streamId: `experiment-${String(data.experimentId)}`,
    revision,
    position,
    type,
    data,
    metadata: {
      correlationId: String(data.experimentId),
      actor: 'test',
      schemaVersion: 1,
      recordedAt: new Date(position * 1000).toISOString(),
    },
  } as RecordedEvent;
};
