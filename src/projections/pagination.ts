// Relay-style pagination helpers: page-size checks and opaque cursors (base64url JSON of the sort key + id),
// which carry the ordering they were made for so a cursor from another ordering is rejected.
import { CosearchError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Connection } from './views.js';

/** Validates `first` (an integer 0..100) and returns it, or the default. */
export const pageSize = (first: number | undefined | null): number => {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected 'first' to be an integer from 0 to ${MAX_PAGE_SIZE}, but got ${first}; page through larger results with 'after'`,
    );
  }
  return first;
};

/** The decoded content of a cursor: the ordering it belongs to, the sort value and the row id. */
export interface CursorKey {
  order: string;
  value: string | number;
  id: string;
}

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify([key.order, key.value, key.id]), 'utf8').toString('base64url');

/** Decodes a cursor made for `order`; anything else is BAD_USER_INPUT. */
export const decodeCursor = (cursor: string, order: string): CursorKey => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    (typeof parsed[1] !== 'string' && typeof parsed[1] !== 'number') ||
    typeof parsed[2] !== 'string'
  ) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected 'after' to be a cursor returned by this query, but got '${cursor}'`,
    );
  }
  if (parsed[0] !== order) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected a cursor for ordering '${order}', but got one for '${parsed[0]}'; restart paging without 'after' when the ordering changes`,
    );
  }
  return { order, value: parsed[1], id: parsed[2] };
};

/** Builds a connection from `first + 1` fetched rows (the extra row only tells that a next page exists). */
export const toConnection = <T>(
  rows: readonly T[],
  first: number,
  totalCount: number,
  cursorOf: (node: T) => string,
): Connection<T> => {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges[edges.length - 1]?.cursor ?? null },
    totalCount,
  };
};
