// The paretoFront query: the experiment's Pareto front as src/experiment's views compute it (one rule for every
// reader), over the fold snapshot the experiments read model keeps, returned as candidate rows in front order.
import { fromSnapshot, paretoOf, type StateSnapshot } from '../experiment/index.js';
import { CANDIDATES_TABLE, candidateFromRow } from './candidates.js';
import { EXPERIMENTS_TABLE } from './experiments.js';
import { placeholders } from './projection.js';
import type { SqlExecutor } from './sqlDatabase.js';
import type { CandidateView } from './views.js';

export const paretoFront = async (db: SqlExecutor, experimentId: string): Promise<CandidateView[]> => {
  const [row] = await db.query(`SELECT model FROM ${EXPERIMENTS_TABLE} WHERE id = ?`, [experimentId]);
  if (row === undefined) return [];
  const front = paretoOf(fromSnapshot(experimentId, JSON.parse(String(row.model)) as StateSnapshot));
  if (front.length === 0) return [];
  const ids = front.map((p) => p.candidateId);
  const rows = await db.query(`SELECT * FROM ${CANDIDATES_TABLE} WHERE id IN (${placeholders(ids.length)})`, ids);
  const byId = new Map(
    rows.map((r) => {
      const view = candidateFromRow(r);
      return [view.id, view];
    }),
  );
  return ids.flatMap((id) => {
    const view = byId.get(id);
    return view === undefined ? [] : [view];
  });
};
