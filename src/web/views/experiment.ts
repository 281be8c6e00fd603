// One experiment, live: the experimentEvents subscription (resumed from its last cursor after a reconnect) feeds the
// page's fold; the scatter, best-so-far, training curve, decisions and workers redraw once per animation frame.
import { gql, GraphQLRequestError, subscribe } from '../api.js';
import { h } from '../dom.js';
import { duration, int, pct } from '../format.js';
import { applyEvent, createModel, type EventRecord, type ExperimentModel, type Point } from '../experimentModel.js';
import { createLine, createScatter } from '../plots.js';
import { canOperate } from '../session.js';

const EVENTS =
  'subscription ($id: ID!, $after: String) { experimentEvents(id: $id, after: $after) { position cursor type data metadata { recordedAt } } }';
const WORKERS = '{ workers { id host state currentCandidate heartbeatAt trained } }';

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
    const trained = points.filter((p) => p.accuracy !== undefined && !p.float).length;
    const pruned = points.filter((p) => p.status === 'pruned').length;
    title.textContent = model.name;
    const elapsed =
      ((model.finishedAt === undefined ? Date.now() : Date.parse(model.finishedAt)) -
        Date.parse(model.startedAt ?? new Date().toISOString())) /
      1000;
    summary.textContent = `${model.status} · ${points.length} proposed / ${pruned} pruned / ${trained} trained / budget ${model.maxCandidates ?? '–'} · LUT budget ${int(model.maxLuts)}, ≥ ${int(model.minFps)} img/s · ${duration(elapsed)}`;
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
    best.update([model.best.map(([t]) => t / 1000), model.best.map(([, a]) => a)]);
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
    const top = points
      .filter((p) => p.accuracy !== undefined && p.feasible === true && !p.float)
      .sort((a, b) => (b.accuracy ?? 0) - (a.accuracy ?? 0) || a.index - b.index)
      .slice(0, 12);
    candidates.replaceChildren(
      ...top.map((p: Point) =>
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
          h('td', { class: 'n' }, pct(p.accuracy)),
          h('td', { class: 'n' }, int(p.luts)),
          h('td', { class: 'n' }, int(p.throughputFps)),
          h('td', {}, pareto.has(p.id) ? 'Pareto' : p.status),
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
            const [front, list] = await Promise.all([
              gql<{ paretoFront: Array<{ id: string }> }>(
                'query ($id: ID!) { paretoFront(experimentId: $id) { id } }',
                { id },
              ),
              gql<{ workers: WorkerRow[] }>(WORKERS),
            ]);
            pareto = new Set(front.paretoFront.map((c) => c.id));
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
    const buttons =
      model.status === 'RUNNING'
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
    if (actions.childElementCount !== buttons.length || actions.dataset.status !== model.status) {
      actions.replaceChildren(...buttons);
      actions.dataset.status = model.status;
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
  const onResize = (): void => {
    scatter.resize(width());
    schedule();
  };
  window.addEventListener('resize', onResize);
  refresh();
  return () => {
    unsubscribe();
    window.removeEventListener('resize', onResize);
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (refreshTimer !== undefined) clearTimeout(refreshTimer);
  };
};
