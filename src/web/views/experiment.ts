// One experiment, live: the experimentEvents subscription (resumed from its last cursor after a reconnect) feeds the
// page's fold of single events (points, curves, decisions); the experimentProgress subscription gives the status,
// counts and best candidate as the server's experiment model says them, and the best-candidates table is the
// candidates read model's. Everything redraws once per animation frame.
import { gql, GraphQLRequestError, subscribe } from '../api.js';
import { h } from '../dom.js';
import { duration, int, pct } from '../format.js';
import { applyEvent, createModel, type EventRecord, type ExperimentModel } from '../experimentModel.js';
import { createLine, createScatter } from '../plots.js';
import { canOperate } from '../session.js';

const EVENTS =
  'subscription ($id: ID!, $after: String) { experimentEvents(id: $id, after: $after) { position cursor type data metadata { recordedAt } } }';
const PROGRESS =
  'subscription ($id: ID!) { experimentProgress(id: $id) { cursor status proposed pruned trained training bestCandidateId bestAccuracy recordedAt } }';
const WORKERS = '{ workers { id host state currentCandidate heartbeatAt trained } }';
const BEST =
  'query ($id: ID!) { candidates(experimentId: $id, filter: { feasible: true, minAccuracy: 0 }, orderBy: { field: ACCURACY, descending: true }, first: 12) { edges { node { id index accuracy status hardware { luts throughputFps } } } } }';

/** The server's progress of the experiment (src/experiment's counts and best), after its latest event. */
interface ProgressRow {
  cursor: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  proposed: number;
  pruned: number;
  trained: number;
  training: number;
  bestCandidateId: string | null;
  bestAccuracy: number | null;
  recordedAt: string;
}

/** A row of the best-candidates table, from the candidates read model. */
interface BestRow {
  id: string;
  index: number;
  accuracy: number | null;
  status: string;
  hardware: { luts: number; throughputFps: number } | null;
}

interface WorkerRow {
  id: string;
  host: string;
  state: string;
  currentCandidate: string | null;
  heartbeatAt: string;
  trained: number;
}

/** Render timings of the scatter, for the browser test's smoothness check (ms per update). */
declare global {
  interface Window {
    __cosearch?: { renders: number[]; points: number };
  }
}

export const renderExperiment = (root: HTMLElement, id: string): (() => void) => {
  const model: ExperimentModel = createModel(id);
  let progress: ProgressRow | undefined;
  /** Best feasible accuracy after each change of the server's best: [seconds since epoch, accuracy]. */
  const bestOverTime: Array<[number, number]> = [];
  let bestRows: BestRow[] = [];
  let pareto = new Set<string>();
  let workers: WorkerRow[] = [];
  const width = (): number => Math.max(280, Math.min(root.clientWidth - 16, 900));
  const title = h('h1', {}, id);
  const summary = h('p', { 'data-testid': 'summary' });
  const actions = h('div', { class: 'actions' });
  const actionError = h('pre', { class: 'error', role: 'alert', 'data-testid': 'action-message' });
  const scatterBox = h('div', { 'data-testid': 'scatter', 'data-points': '0' });
  const bestBox = h('div');
  const curveBox = h('div');
  const trainingInfo = h('p', { 'data-testid': 'training' });
  const decisions = h('ol', { class: 'decisions', 'data-testid': 'decisions' });
  const workerTable = h('tbody');
  const workerSection = h(
    'section',
    { hidden: true },
    h('h2', {}, 'Workers'),
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
            h('th', {}, 'worker'),
            h('th', {}, 'host'),
            h('th', {}, 'state'),
            h('th', {}, 'candidate'),
            h('th', {}, 'heartbeat'),
            h('th', {}, 'trained'),
          ),
        ),
        workerTable,
      ),
    ),
  );
  const candidates = h('tbody');
  root.replaceChildren(
    title,
    summary,
    actions,
    actionError,
    h('section', {}, h('h2', {}, 'Accuracy vs LUTs'), scatterBox),
    h(
      'div',
      { class: 'two' },
      h('section', {}, h('h2', {}, 'Best feasible accuracy over time'), bestBox),
      h('section', {}, h('h2', {}, 'In training'), trainingInfo, curveBox),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Best candidates'),
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
              h('th', {}, '#'),
              h('th', {}, 'accuracy'),
              h('th', {}, 'LUTs'),
              h('th', {}, 'img/s'),
              h('th', {}, 'status'),
            ),
          ),
          candidates,
        ),
      ),
    ),
    workerSection,
    h('section', {}, h('h2', {}, 'Recent decisions'), decisions),
  );
  const open = (candidateId: string): void => {
    location.hash = `#/candidate/${encodeURIComponent(candidateId)}?experiment=${encodeURIComponent(id)}`;
  };
  const scatter = createScatter(scatterBox, width(), open);
  const best = createLine(bestBox, Math.min(width(), 440), { x: 'time', series: ['best'] }, true);
  const curve = createLine(curveBox, Math.min(width(), 440), { x: 'epoch', series: ['validation', 'train'] }, false);
  window.__cosearch = { renders: [], points: 0 };

  const draw = (): void => {
    const points = [...model.points.values()];
    title.textContent = model.name;
    const elapsed =
      ((model.finishedAt === undefined ? Date.now() : Date.parse(model.finishedAt)) -
        Date.parse(model.startedAt ?? new Date().toISOString())) /
      1000;
    const counts =
      progress === undefined
        ? '…'
        : `${progress.status} · ${progress.proposed} proposed / ${progress.pruned} pruned / ${progress.trained} trained / budget ${model.maxCandidates ?? '–'}`;
    summary.textContent = `${counts} · LUT budget ${int(model.maxLuts)}, ≥ ${int(model.minFps)} img/s · ${duration(elapsed)}`;
    const ms = scatter.update({
      points,
      paretoIds: pareto,
      ...(model.maxLuts === undefined ? {} : { maxLuts: model.maxLuts }),
      ...(model.minFps === undefined ? {} : { minFps: model.minFps }),
    });
    const plotted = points.filter(
      (p) => p.luts !== undefined && !p.float && (p.status === 'pruned' || p.accuracy !== undefined),
    ).length;
    scatterBox.dataset.points = String(plotted);
    window.__cosearch?.renders.push(ms);
    if (window.__cosearch !== undefined) window.__cosearch.points = plotted;
    best.update([bestOverTime.map(([t]) => t), bestOverTime.map(([, a]) => a)]);
    const current = model.points.get(model.training[model.training.length - 1] ?? '');
    trainingInfo.textContent =
      current === undefined
        ? 'nothing in training'
        : `#${current.index}${current.workerId === undefined ? '' : ` on ${current.workerId}`}, epoch ${current.epochs.length}`;
    curve.update(
      current === undefined
        ? [[], [], []]
        : [
            current.epochs.map((e) => e.epoch),
            current.epochs.map((e) => e.valAccuracy ?? null),
            current.epochs.map((e) => e.trainAccuracy),
          ],
    );
    decisions.replaceChildren(
      ...[...model.decisions]
        .reverse()
        .slice(0, 15)
        .map((d) => h('li', {}, h('time', {}, d.recordedAt.slice(11, 19)), ' ', d.text)),
    );
    candidates.replaceChildren(
      ...bestRows.map((p) =>
        h(
          'tr',
          { 'data-testid': 'candidate-link', class: 'link', onclick: () => open(p.id) },
          h(
            'td',
            {},
            h(
              'a',
              { href: `#/candidate/${encodeURIComponent(p.id)}?experiment=${encodeURIComponent(id)}` },
              `#${p.index}`,
            ),
          ),
          h('td', { class: 'n' }, pct(p.accuracy ?? undefined)),
          h('td', { class: 'n' }, int(p.hardware?.luts)),
          h('td', { class: 'n' }, int(p.hardware?.throughputFps)),
          h(
            'td',
            {},
            [p.id === progress?.bestCandidateId ? 'best' : '', pareto.has(p.id) ? 'Pareto' : '', p.status.toLowerCase()]
              .filter((x) => x !== '')
              .join(' · '),
          ),
        ),
      ),
    );
    workerSection.hidden = workers.length === 0;
    workerTable.replaceChildren(
      ...workers.map((w) =>
        h(
          'tr',
          {},
          h('td', {}, w.id),
          h('td', {}, w.host),
          h('td', { class: `status ${w.state.toLowerCase()}` }, w.state),
          h('td', {}, w.currentCandidate === null ? '–' : `#${model.points.get(w.currentCandidate)?.index ?? '?'}`),
          h('td', {}, w.heartbeatAt.slice(11, 19)),
          h('td', { class: 'n' }, w.trained),
        ),
      ),
    );
    renderActions();
  };

  let frame: number | undefined;
  const schedule = (): void => {
    frame ??= requestAnimationFrame(() => {
      frame = undefined;
      draw();
    });
  };
  // Reads the read models after a push: the Pareto front (one rule, the server's) and the workers.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refresh = (): void => {
    refreshTimer ??= setTimeout(
      () =>
        void (async () => {
          refreshTimer = undefined;
          try {
            const [front, top, list] = await Promise.all([
              gql<{ paretoFront: Array<{ id: string }> }>(
                'query ($id: ID!) { paretoFront(experimentId: $id) { id } }',
                { id },
              ),
              gql<{ candidates: { edges: Array<{ node: BestRow }> } }>(BEST, { id }),
              gql<{ workers: WorkerRow[] }>(WORKERS),
            ]);
            pareto = new Set(front.paretoFront.map((c) => c.id));
            bestRows = top.candidates.edges.map((e) => e.node);
            workers = list.workers;
            schedule();
          } catch {
            // The read models lag or are down: the next push tries again.
          }
        })(),
      250,
    );
  };

  const renderActions = (): void => {
    if (!canOperate()) {
      actions.replaceChildren();
      return;
    }
    const act = (label: string, mutation: string, variables: Record<string, unknown>) =>
      h(
        'button',
        {
          type: 'button',
          'data-testid': label.toLowerCase(),
          onclick: () =>
            void (async () => {
              actionError.textContent = '';
              try {
                await gql(mutation, { id, ...variables });
              } catch (e) {
                actionError.textContent = e instanceof GraphQLRequestError ? `${e.code}: ${e.message}` : String(e);
              }
            })(),
        },
        label,
      );
    const lutInput = h('input', { type: 'number', placeholder: 'max LUTs', 'aria-label': 'rescore: max LUTs' });
    const status = progress?.status;
    if (status === undefined) return;
    const buttons =
      status === 'RUNNING'
        ? [
            act(
              'Cancel',
              'mutation ($id: ID!) { cancelExperiment(id: $id, reason: "cancelled from the dashboard") { id } }',
              {},
            ),
            act(
              'Resume',
              'mutation ($id: ID!) { resumeExperiment(id: $id, reason: "resumed from the dashboard") { id } }',
              {},
            ),
          ]
        : [
            lutInput,
            h(
              'button',
              {
                type: 'button',
                'data-testid': 'rescore',
                onclick: () =>
                  void (async () => {
                    actionError.textContent = '';
                    try {
                      const r = await gql<{
                        rescoreExperiment: {
                          evaluated: number;
                          feasible: Array<{ index: number }>;
                          best: { index: number; accuracy: number } | null;
                        };
                      }>(
                        // A new LUT budget; the experiment's own throughput requirement stays.
                        'mutation ($id: ID!, $maxLuts: Int, $minFps: Float) { rescoreExperiment(id: $id, maxLuts: $maxLuts, minFps: $minFps) { evaluated feasible { index } best { index accuracy } } }',
                        {
                          id,
                          maxLuts: Number(lutInput.value),
                          ...(model.minFps === undefined ? {} : { minFps: model.minFps }),
                        },
                      );
                      const o = r.rescoreExperiment;
                      actionError.textContent = `re-scored: ${o.feasible.length} of ${o.evaluated} trained designs fit; best ${o.best === null ? 'none' : `#${o.best.index} at ${pct(o.best.accuracy)}`}`;
                    } catch (e) {
                      actionError.textContent =
                        e instanceof GraphQLRequestError ? `${e.code}: ${e.message}` : String(e);
                    }
                  })(),
              },
              'Re-score',
            ),
          ];
    if (actions.childElementCount !== buttons.length || actions.dataset.status !== status) {
      actions.replaceChildren(...buttons);
      actions.dataset.status = status;
    }
  };

  const unsubscribe = subscribe<{ experimentEvents: EventRecord }>(
    EVENTS,
    { id },
    ({ experimentEvents: e }) => {
      if (!applyEvent(model, e)) return;
      if (e.type === 'CandidateTrained' || e.type === 'TrainingStarted' || e.type.startsWith('Experiment')) refresh();
      schedule();
    },
    (error) => {
      actionError.textContent = `live updates: ${error.message}`;
    },
  );
  // The server's progress; after a reconnect the subscription starts over, so an older snapshot is skipped.
  const unfollowProgress = subscribe<{ experimentProgress: ProgressRow }>(
    PROGRESS,
    { id },
    ({ experimentProgress: p }) => {
      if (progress !== undefined && Number(p.cursor) <= Number(progress.cursor)) return;
      const changed = p.status !== progress?.status || p.trained !== progress.trained;
      if (p.bestAccuracy !== null && p.bestAccuracy !== progress?.bestAccuracy)
        bestOverTime.push([Date.parse(p.recordedAt) / 1000, p.bestAccuracy]);
      progress = p;
      if (changed) refresh();
      schedule();
    },
    (error) => {
      actionError.textContent = `live progress: ${error.message}`;
    },
  );
  const onResize = (): void => {
    scatter.resize(width());
    schedule();
  };
  window.addEventListener('resize', onResize);
  refresh();
  return () => {
    unsubscribe();
    unfollowProgress();
    window.removeEventListener('resize', onResize);
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (refreshTimer !== undefined) clearTimeout(refreshTimer);
  };
};
