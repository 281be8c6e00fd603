// Documented maxima for every argument the API accepts: ids, cursors, free strings and JSON documents. A type-graphql
// global middleware checks each resolver's arguments before it runs, so no resolver stores or echoes a huge value.
import type { MiddlewareFn } from 'type-graphql';
import { CosearchError, cutForEcho } from '../errors.js';

/** The maxima (docs/api.md, Limits). */
export const INPUT_BOUNDS = {
  /** Characters of an id argument (`id`, `experimentId`, `candidateId`, `streamId`). */
  idChars: 128,
  /** Characters of a cursor (`after`). */
  cursorChars: 200,
  /** Characters of any other string argument (`reason`, `time`, `device`, `name`, `expectHead`, …). */
  stringChars: 1000,
  /** Characters of an experiment's `config.name` (checked by startExperiment). */
  nameChars: 200,
  /** Bytes of a JSON argument (`config`, `candidate`) as JSON text. */
  jsonBytes: 65_536,
} as const;

const ID_ARGS = new Set(['id', 'experimentId', 'candidateId', 'streamId']);

const limitOf = (name: string): number =>
  ID_ARGS.has(name) ? INPUT_BOUNDS.idChars : name === 'after' ? INPUT_BOUNDS.cursorChars : INPUT_BOUNDS.stringChars;

/** Throws BAD_USER_INPUT (naming the argument, echoing only a cut of it) when a value is past its maximum. */
export const assertInputBounds = (args: Readonly<Record<string, unknown>>): void => {
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === 'string') {
      const limit = limitOf(name);
      if (value.length > limit) {
        throw new CosearchError(
          'BAD_USER_INPUT',
          `argument '${name}' must be at most ${limit} characters, but got ${value.length} (${cutForEcho(value)})`,
          { field: name },
        );
      }
    } else if (typeof value === 'object' && value !== null) {
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      if (bytes > INPUT_BOUNDS.jsonBytes) {
        throw new CosearchError(
          'BAD_USER_INPUT',
          `argument '${name}' must be at most ${INPUT_BOUNDS.jsonBytes} bytes of JSON, but got ${bytes}; trim it`,
          { field: name },
        );
      }
    }
  }
};

/** The middleware: checks the arguments of every field that has any. */
export const inputBoundsMiddleware: MiddlewareFn = async ({ args }, next) => {
  // `args` is {} for plain fields: Object.keys on it is the only cost they pay.
  if (Object.keys(args).length > 0) assertInputBounds(args);
  return next();
};
