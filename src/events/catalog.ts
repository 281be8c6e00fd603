// The event registry: current definition per event type, upcasters for old schema versions, and validateEvent,
// which the store calls on append and on read. Other modules may register more events with registerEvent.
import type { z } from 'zod';
import { CosearchError } from '../errors.js';
import { experimentEventDefinitions } from './schemas.js';

/** One registered event: its type, the current schema version written by append, and its data schema. */
export interface EventDefinition {
  type: string;
  schemaVersion: number;
  data: z.ZodType;
}

/** Turns the data of `type` at version `fromVersion` into the data at `fromVersion + 1`. Pure. */
export type Upcaster = (data: unknown) => unknown;

/** What validateEvent returns: data parsed against the current schema, at the current version. */
export interface ValidatedEventResult {
  type: string;
  schemaVersion: number;
  data: unknown;
  /** Stored version when an upcaster chain ran; absent when the data was already current. */
  upcastedFrom?: number;
}

const definitions = new Map<string, EventDefinition>();
const upcasters = new Map<string, Upcaster>();

/** Registers (or replaces) an event definition. Bump `schemaVersion` and register an upcaster for the old one. */
export const registerEvent = (definition: EventDefinition): void => {
  if (!Number.isInteger(definition.schemaVersion) || definition.schemaVersion < 1) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `event ${definition.type} expects a schemaVersion integer >= 1, but got ${definition.schemaVersion}`,
    );
  }
  definitions.set(definition.type, definition);
};

/** Registers the upcaster that lifts `type` data from `fromVersion` to `fromVersion + 1`. */
export const registerUpcaster = (type: string, fromVersion: number, upcast: Upcaster): void => {
  upcasters.set(`${type}@${fromVersion}`, upcast);
};

for (const definition of experimentEventDefinitions) {
  registerEvent({
    type: definition.shape.type.value,
    schemaVersion: definition.shape.schemaVersion.value,
    data: definition.shape.data,
  });
}

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return `${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value} (${json === undefined ? String(value) : json.slice(0, 60)})`;
};

const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown => {
  let node: unknown = data;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
};

const parseData = (definition: EventDefinition, data: unknown, version: number): unknown => {
  const parsed = definition.data.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'data' : `data.${issue.path.map(String).join('.')}`;
  const got = issue === undefined ? '' : `, but got ${describe(valueAt(data, issue.path))}`;
  throw new CosearchError(
    'BAD_USER_INPUT',
    `event ${definition.type} (schemaVersion ${version}) has an invalid field ${field}: ${issue?.message ?? 'invalid'}${got}. ` +
      'Fix the writer so the data matches the catalog in src/events/schemas.ts.',
    {
      eventType: definition.type,
      field,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    },
  );
};

/**
 * Validates `data` of event `type` written at `schemaVersion` (default: current), upcasting older versions first.
 * Throws BAD_USER_INPUT naming the event type and field. Unknown types throw unless `allowUnknown` is set
 * (readers pass it so events registered by a newer writer do not break older readers; they pass through).
 */
export const validateEvent = (
  type: string,
  data: unknown,
  schemaVersion?: number,
  options: { allowUnknown?: boolean } = {},
): ValidatedEventResult => {
  const definition = definitions.get(type);
  if (definition === undefined) {
    if (options.allowUnknown === true) return { type, schemaVersion: schemaVersion ?? 1, data };
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected an event type from the catalog (${[...definitions.keys()].join(', ')}), but got '${type}'. ` +
        'Register new events with registerEvent() from src/events.',
      { eventType: type },
    );
  }
  const from = schemaVersion ?? definition.schemaVersion;
  let current = data;
  let version = from;
  while (version < definition.schemaVersion) {
    const upcast = upcasters.get(`${type}@${version}`);
    if (upcast === undefined) {
      throw new CosearchError(
        'ILLEGAL_STATE',
        `event ${type} is stored at schemaVersion ${version}, the catalog is at ${definition.schemaVersion}, and no upcaster ` +
          `from ${version} is registered. Call registerUpcaster('${type}', ${version}, fn).`,
        { eventType: type },
      );
    }
    current = upcast(current);
    version += 1;
  }
  // A newer writer's version (> current) is checked against the current schema; loose objects keep its extra fields.
  const result: ValidatedEventResult = {
    type,
    schemaVersion: Math.max(version, from),
    data: parseData(definition, current, from),
  };
  if (from < definition.schemaVersion) result.upcastedFrom = from;
  return result;
};

/** Read access to the registry. */
export const eventCatalog = {
  has: (type: string): boolean => definitions.has(type),
  get: (type: string): EventDefinition | undefined => definitions.get(type),
  types: (): string[] => [...definitions.keys()],
  currentVersion: (type: string): number | undefined => definitions.get(type)?.schemaVersion,
  register: registerEvent,
  registerUpcaster,
  validate: validateEvent,
};
