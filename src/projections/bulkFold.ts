// Bulk mode of the runner: folds projections from position 0 in memory over large `readAll` pages (reading the next
// page while folding this one), so the read models are written once instead of once per batch.
import type { EventStore } from '../store/index.js';
import type { BulkFold, Projection } from './projection.js';

/** Options of {@link bulkFoldFromZero}. */
export interface BulkFoldOptions {
  /** Events per `readAll` page. */
  pageSize: number;
  /** Stop reading once the folds hold this many rows in total (the caller writes them and goes on by batches). */
  maxRows: number;
  /** Checked between pages: true gives up the fold (the result is then undefined and nothing is written). */
  stopped?: () => boolean;
}

/** What was folded: every event up to `position`, per projection. */
export interface BulkFoldResult {
  position: number;
  folds: { projection: Projection; fold: BulkFold }[];
}

/** Folds `selected` (those with a bulk mode) from position 0; undefined when none can, the log is empty or it was stopped. */
export const bulkFoldFromZero = async (
  store: EventStore,
  selected: readonly Projection[],
  options: BulkFoldOptions,
): Promise<BulkFoldResult | undefined> => {
  const folds: BulkFoldResult['folds'] = [];
  for (const projection of selected) {
    const fold = projection.createBulkFold?.();
    if (fold !== undefined) folds.push({ projection, fold });
  }
  if (folds.length === 0) return undefined;
  let position = 0;
  let next = store.readAll({ after: 0, maxCount: options.pageSize });
  for (;;) {
    const page = await next;
    if (options.stopped?.() === true) return undefined;
    const last = page[page.length - 1]?.position;
    if (last === undefined) break;
    // Asynchronous stores (PostgreSQL) produce the next page while this one is folded.
    next = store.readAll({ after: last, maxCount: options.pageSize });
    next.catch(() => undefined); // observed below, or deliberately dropped when the row limit stops the loop
    for (const { projection, fold } of folds) fold.add(page.filter((event) => projection.canHandle(event)));
    position = last;
    if (folds.reduce((rows, { fold }) => rows + fold.size, 0) >= options.maxRows) break;
  }
  return position === 0 ? undefined : { position, folds };
};
