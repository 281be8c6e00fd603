// The read-model queries on a real SQLite file and a real PostgreSQL schema: Pareto front, filters, ordering,
// Relay cursors, totalCount and the page-size cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDefaultProjections,
  listCandidates,
  createProjectionRunner,
  createReadModelQueries,
  type CandidateView,
  type ListCandidatesOptions,
  type ReadModelQueries,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
} from '../../src/projections/index.js';
import { dominates } from '../../src/experiment/index.js';
import { appendExperiment, backends, type Backend, type CandidatePlan } from './fixtures.js';

/** 30 candidates with repeating figures (ties on purpose), every 7th infeasible, every 5th untrained. */
const plans: CandidatePlan[] = Array.from({ length: 30 }, (_, i) => ({
  luts: 10_000 + ((i * 7919) % 13) * 1000,
  throughputFps: 500 + ((i * 104_729) % 11) * 100,
  feasible: i % 7 !== 3,
  ...(i % 5 === 4 ? {} : { accuracy: 0.5 + ((i * 31) % 17) / 100 }),
}));

const pageThrough = async (q: ReadModelQueries, options: ListCandidatesOptions): Promise<CandidateView[]> => {
  const out: CandidateView[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await q.listCandidates('e1', { ...options, first: 4, after });
    out.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
};

describe.each(backends)('read-model queries on %s', (_name, open) => {
  let backend: Backend;
  let q: ReadModelQueries;
  let all: CandidateView[];
  beforeAll(async () => {
    backend = await open();
    await appendExperiment(backend.store, 'e1', plans);
    for (let i = 0; i < 7; i += 1)
      await appendExperiment(backend.store, `x${i}`, plans.slice(0, 1), i % 2 === 0 ? 'completed' : 'running');
    await createProjectionRunner({
      store: backend.store,
      db: backend.db,
      projections: createDefaultProjections(),
    }).catchUp();
    q = createReadModelQueries(backend.db);
    all = (await q.listCandidates('e1', { first: 100 })).edges.map((e) => e.node);
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('returns exactly the non-dominated trained feasible candidates as the Pareto front', async () => {
    const eligible = all.filter((c) => c.status === 'trained' && c.feasible === true);
    const point = (c: CandidateView) => ({
      candidateId: c.id,
      index: c.index,
      accuracy: c.accuracy ?? 0,
      luts: c.luts ?? 0,
      throughputFps: c.throughputFps ?? 0,
    });
    // Of identical points (the plans repeat figures) only the earliest proposal is on the front.
    const same = (a: CandidateView, b: CandidateView) =>
      a.accuracy === b.accuracy && a.luts === b.luts && a.throughputFps === b.throughputFps;
    const expected = eligible
      .filter((c) => !eligible.some((o) => dominates(point(o), point(c)) || (same(o, c) && o.index < c.index)))
      .map((c) => c.id)
      .sort();
    const front = await q.paretoFront('e1');
    expect(front.map((c) => c.id).sort()).toEqual(expected);
    expect(front.length).toBeGreaterThan(0);
    expect(front.map((c) => c.accuracy)).toEqual([...front.map((c) => c.accuracy)].sort((a, b) => (b ?? 0) - (a ?? 0)));
    expect(await q.paretoFront('nope')).toEqual([]);
  });

  it.each([
    ['accuracy', 'desc'],
    ['accuracy', 'asc'],
    ['luts', 'asc'],
    ['throughputFps', 'desc'],
    ['index', 'asc'],
    ['reward', 'desc'],
  ] as const)('pages through every candidate ordered by %s %s without gaps or repeats', async (field, direction) => {
    const paged = await pageThrough(q, { orderBy: { field, direction } });
    expect(paged.map((c) => c.id).sort()).toEqual(all.map((c) => c.id).sort());
    const key = (c: CandidateView): number =>
      ({ accuracy: c.accuracy, luts: c.luts, throughputFps: c.throughputFps, index: c.index, reward: c.reward })[
        field
      ] ?? -1e18;
    const keys = paged.map(key);
    const sorted = [...keys].sort((a, b) => (direction === 'asc' ? a - b : b - a));
    expect(keys).toEqual(sorted);
  });

  it('filters candidates and counts the matches independently of the page', async () => {
    const page = await q.listCandidates('e1', {
      filter: { feasible: true, minAccuracy: 0.6, maxLuts: 18_000 },
      first: 2,
    });
    const expected = all.filter(
      (c) => c.feasible === true && (c.accuracy ?? -1) >= 0.6 && (c.luts ?? Infinity) <= 18_000,
    );
    expect(page.totalCount).toBe(expected.length);
    expect(page.edges).toHaveLength(Math.min(2, expected.length));
    expect(page.pageInfo.hasNextPage).toBe(expected.length > 2);
    const pruned = await q.listCandidates('e1', { filter: { status: 'pruned' } });
    expect(pruned.edges.map((e) => e.node.index)).toEqual(all.filter((c) => c.status === 'pruned').map((c) => c.index));
  });

  it('lists experiments newest first with cursors and a status filter', async () => {
    const first = await q.listExperiments({ first: 3 });
    expect(first.totalCount).toBe(8);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await q.listExperiments({ first: 10, after: first.pageInfo.endCursor });
    const ids = [...first.edges, ...rest.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(8);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[rest.edges.length - 1]?.cursor });
    const running = await q.listExperiments({ status: 'running' });
    expect(running.totalCount).toBe(3);
    expect(running.edges.every((e) => e.node.status === 'running')).toBe(true);
  });

  it.each(['accuracy', 'luts', 'throughputFps', 'reward', 'index'] as const)(
    'reads a page after a cursor ordered by %s through its index range, without sorting',
    async (field) => {
      const { db } = backend;
      const first = await q.listCandidates('e1', { first: 3, orderBy: { field, direction: 'desc' } });
      // Record the page query listCandidates sends, then ask the database how it would run it.
      const sent: Array<{ sql: string; params: readonly SqlValue[] }> = [];
      const recording: SqlExecutor = {
        dialect: db.dialect,
        query: <T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []) => {
          sent.push({ sql, params });
          return db.query<T>(sql, params);
        },
        exec: (sql, params) => db.exec(sql, params),
        upsert: (table, columns, keys, rows) => db.upsert(table, columns, keys, rows),
        insertMany: (table, columns, rows) => db.insertMany(table, columns, rows),
        execScript: (sql) => db.execScript(sql),
      };
      await listCandidates(recording, 'e1', {
        first: 3,
        orderBy: { field, direction: 'desc' },
        after: first.pageInfo.endCursor,
      });
      const page = sent.find((s) => s.sql.includes('ORDER BY'));
      if (page === undefined) throw new Error('expected listCandidates to send an ORDER BY query');
      const plan = await db.transaction(async (tx) => {
        if (tx.dialect === 'sqlite')
          return (await tx.query(`EXPLAIN QUERY PLAN ${page.sql}`, page.params))
            .map((r) => String(r.detail))
            .join('\n');
        await tx.exec('SET LOCAL enable_seqscan = off'); // 30 rows: without this the planner rightly prefers a scan
        return (await tx.query(`EXPLAIN ${page.sql}`, page.params)).map((r) => String(r['QUERY PLAN'])).join('\n');
      });
      const index = field === 'throughputFps' ? 'read_candidates_by_throughput' : `read_candidates_by_${field}`;
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/TEMP B-TREE|Sort/);
      // The index range starts at the cursor: SQLite names the bound, PostgreSQL puts it in the index condition.
      expect(plan).toMatch(
        db.dialect === 'sqlite'
          ? /experiment_id=\? AND (<expr>|idx)<\?/
          : /Index Cond: .*experiment_id = .* AND .*(COALESCE\(|idx <=)/,
      );
    },
  );

  it('rejects a page size above 100, a foreign cursor and a cursor of another ordering with BAD_USER_INPUT', async () => {
    await expect(q.listCandidates('e1', { first: 101 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(q.listExperiments({ first: -1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(q.listCandidates('e1', { after: 'garbage' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const byAccuracy = await q.listCandidates('e1', { first: 1, orderBy: { field: 'accuracy', direction: 'desc' } });
    await expect(q.listCandidates('e1', { after: byAccuracy.pageInfo.endCursor })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
