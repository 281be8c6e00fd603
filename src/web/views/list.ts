// The experiments list: status, progress against the candidate budget, best feasible accuracy, elapsed and remaining
// time; and, for an operator, the config editor that starts a new search (server-side zod errors shown inline).
import { gql, GraphQLRequestError, subscribe } from '../api.js';
import { h } from '../dom.js';
import { duration, pct } from '../format.js';
import { canOperate } from '../session.js';

interface ExperimentRow {
  id: string;
  name: string;
  status: string;
  proposed: number;
  pruned: number;
  trained: number;
  bestAccuracy: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  config: { budget?: { maxCandidates?: number; maxWallSeconds?: number } };
}

const LIST = `{ experiments(first: 50) { edges { node { id name status proposed pruned trained bestAccuracy startedAt finishedAt config } } } }`;

const EXAMPLE = JSON.stringify(
  {
    name: 'quick oracle search',
    seed: 1,
    space: 'quick',
    device: { preset: 'zynq7020', maxLuts: 20000, minFps: 2000 },
    controller: { kind: 'rl', childrenPerEpisode: 5 },
    training: { epochs: 2, oracle: true },
    budget: { maxCandidates: 50 },
  },
  null,
  2,
);

/** Elapsed, and the remaining time extrapolated from the proposals so far (or the wall-time budget, if sooner). */
const times = (e: ExperimentRow, nowMs: number): { elapsed: string; remaining: string } => {
  const start = e.startedAt === null ? nowMs : Date.parse(e.startedAt);
  const end = e.finishedAt === null ? nowMs : Date.parse(e.finishedAt);
  const elapsed = (end - start) / 1000;
  if (e.status !== 'RUNNING') return { elapsed: duration(elapsed), remaining: '–' };
  const budget = e.config.budget?.maxCandidates;
  const byCount =
    budget !== undefined && e.proposed > 0 ? (elapsed / e.proposed) * Math.max(budget - e.proposed, 0) : Infinity;
  const wall = e.config.budget?.maxWallSeconds;
  const byWall = wall === undefined ? Infinity : Math.max(wall - elapsed, 0);
  const remaining = Math.min(byCount, byWall);
  return { elapsed: duration(elapsed), remaining: Number.isFinite(remaining) ? `≈ ${duration(remaining)}` : '–' };
};

const PROGRESS =
  'subscription ($id: ID!) { experimentProgress(id: $id) { status proposed pruned trained bestAccuracy recordedAt } }';

/** One row; returns the row and a function that fills it again from the experiment's latest numbers. */
const rowOf = (e: ExperimentRow): { row: HTMLElement; fill: () => void } => {
  const cell = (): HTMLElement => h('td', { class: 'n' });
  const [status, counts, best, elapsed, remaining] = [cell(), cell(), cell(), cell(), cell()];
  const cells = [status, counts, best, elapsed, remaining];
  const fill = (): void => {
    const t = times(e, Date.now());
    status.className = `status ${e.status.toLowerCase()}`;
    status.textContent = e.status;
    counts.textContent = `${e.proposed} / ${e.pruned} / ${e.trained} / ${e.config.budget?.maxCandidates ?? '–'}`;
    best.textContent = pct(e.bestAccuracy);
    elapsed.textContent = t.elapsed;
    remaining.textContent = t.remaining;
  };
  fill();
  return {
    row: h(
      'tr',
      { 'data-testid': 'experiment-row' },
      h('td', {}, h('a', { href: `#/experiment/${encodeURIComponent(e.id)}` }, e.name)),
      ...cells,
    ),
    fill,
  };
};

/** Renders the list; running experiments stay live through experimentProgress. Returns the unsubscribe. */
export const renderList = async (root: HTMLElement): Promise<() => void> => {
  const { experiments } = await gql<{ experiments: { edges: Array<{ node: ExperimentRow }> } }>(LIST);
  const stops: Array<() => void> = [];
  const rows = experiments.edges.map(({ node: e }) => {
    const { row, fill } = rowOf(e);
    if (e.status === 'RUNNING') {
      stops.push(
        subscribe<{
          experimentProgress: Pick<ExperimentRow, 'status' | 'proposed' | 'pruned' | 'trained' | 'bestAccuracy'> & {
            recordedAt: string;
          };
        }>(
          PROGRESS,
          { id: e.id },
          ({ experimentProgress: p }) => {
            Object.assign(e, {
              status: p.status,
              proposed: p.proposed,
              pruned: p.pruned,
              trained: p.trained,
              bestAccuracy: p.bestAccuracy,
            });
            if (p.status !== 'RUNNING') e.finishedAt = p.recordedAt;
            fill();
          },
          () => undefined,
        ),
      );
    }
    return row;
  });
  root.replaceChildren(
    h('h1', {}, 'Experiments'),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'name'),
            h('th', {}, 'status'),
            h('th', {}, 'proposed / pruned / trained / budget'),
            h('th', {}, 'best feasible'),
            h('th', {}, 'elapsed'),
            h('th', {}, 'remaining'),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    ),
    ...(rows.length === 0 ? [h('p', {}, 'No experiments yet.')] : []),
    ...(canOperate() ? [startForm()] : []),
  );
  return () => {
    for (const stop of stops) stop();
  };
};

const startForm = (): HTMLElement => {
  const editor = h('textarea', {
    id: 'config',
    rows: '14',
    spellcheck: 'false',
    'aria-label': 'experiment config (JSON)',
  });
  editor.value = EXAMPLE;
  const error = h('pre', { class: 'error', 'data-testid': 'config-error', role: 'alert' });
  const start = h('button', { type: 'button', 'data-testid': 'start' }, 'Start');
  start.addEventListener(
    'click',
    () =>
      void (async () => {
        error.textContent = '';
        let config: unknown;
        try {
          config = JSON.parse(editor.value);
        } catch (e) {
          error.textContent = `the config is not JSON: ${e instanceof Error ? e.message : String(e)}`;
          return;
        }
        try {
          const { startExperiment } = await gql<{ startExperiment: { id: string } }>(
            'mutation ($config: JSON!) { startExperiment(config: $config) { id } }',
            { config },
          );
          location.hash = `#/experiment/${encodeURIComponent(startExperiment.id)}`;
        } catch (e) {
          error.textContent =
            e instanceof GraphQLRequestError
              ? `${e.code}${e.field === undefined ? '' : ` (${e.field})`}: ${e.message}`
              : String(e);
        }
      })(),
  );
  return h('section', { class: 'start' }, h('h2', {}, 'Start a search'), editor, h('div', {}, start), error);
};
