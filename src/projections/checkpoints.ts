// The projection_checkpoints table: one row per projection (name, version, position), read and advanced inside
// the same transaction as the read-model writes, with an optimistic check against a second runner.
import { CosearchError } from '../errors.js';
import { toNumber, type SqlExecutor } from './sqlDatabase.js';

export interface Checkpoint {
  name: string;
  version: number;
  /** Last `$all` position applied (0: nothing yet). */
  position: number;
}

/** All stored checkpoints by projection name. */
export const readCheckpoints = async (db: SqlExecutor): Promise<Map<string, Checkpoint>> => {
  const rows = await db.query<{ name: string; version: unknown; position: unknown }>(
    'SELECT name, version, position FROM projection_checkpoints',
  );
  return new Map(
    rows.map((r) => [r.name, { name: r.name, version: toNumber(r.version), position: toNumber(r.position) }]),
  );
};

/** Creates or resets a checkpoint (used at first start and on rebuild). */
export const resetCheckpoint = async (tx: SqlExecutor, name: string, version: number, now: string): Promise<void> => {
  await tx.upsert(
    'projection_checkpoints',
    ['name', 'version', 'position', 'updated_at'],
    ['name'],
    [[name, version, 0, now]],
  );
};

/**
 * Moves a checkpoint from `from` to `to`. Fails with CONFLICT (rolling the transaction back) when another runner
 * moved it first, so two runners on one database never apply an event twice.
 */
export const advanceCheckpoint = async (
  tx: SqlExecutor,
  name: string,
  from: number,
  to: number,
  now: string,
): Promise<void> => {
  const { changes } = await tx.exec(
    'UPDATE projection_checkpoints SET position = ?, updated_at = ? WHERE name = ? AND position = ?',
    [to, now, name, from],
  );
  if (changes !== 1) {
    throw new CosearchError(
      'CONFLICT',
      `expected projection '${name}' at checkpoint ${from}, but another runner moved it; this runner re-reads its checkpoints and resumes`,
    );
  }
};
