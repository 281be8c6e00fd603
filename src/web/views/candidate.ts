// One candidate: its layers with bits and folding, the hardware model's per-layer LUT / BRAM / cycle breakdown, its
// training curve, the "why" causation chain from the audit module, and the audit of its experiment's stream.
import { gql } from '../api.js';
import { h } from '../dom.js';
import { int, pct } from '../format.js';
import { createLine } from '../plots.js';

interface CandidateView {
  id: string;
  experimentId: string;
  index: number;
  status: string;
  accuracy: number | null;
  testAccuracy: number | null;
  reward: number | null;
  rewardReason: string | null;
  candidate: { layers?: Array<Record<string, unknown>> };
  hardware: {
    device: string;
    luts: number;
    throughputFps: number;
    latencyMs: number;
    feasible: boolean;
    layers: Array<Record<string, unknown>>;
    violations: Array<{ constraint: string; limit: number; actual: number }>;
  } | null;
  trainingCurve: Array<{ epoch: number; trainAccuracy: number; valAccuracy: number | null }>;
}

const QUERY = `query ($id: ID!) {
  candidate(id: $id) { id experimentId index status accuracy testAccuracy reward rewardReason candidate
    hardware { device luts throughputFps latencyMs feasible layers violations { constraint limit actual } }
    trainingCurve { epoch trainAccuracy valAccuracy } }
  whyCandidate(candidateId: $id) { chosenAsBest priorPolicyUpdates chain { type summary recordedAt actor } }
}`;
/** Links of the why chain shown; the CLI prints the rest. */
const WHY_SHOWN = 25;
const AUDIT = 'query ($id: ID!) { auditExperiment(id: $id) { verified events anchored head faults { kind message } } }';

const cell = (v: unknown): string =>
  v === undefined || v === null
    ? '–'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? v.toLocaleString('en-US')
        : v.toFixed(2)
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** A table of objects with the given columns (missing values show as –). */
const table = (rows: ReadonlyArray<Record<string, unknown>>, columns: string[], testId: string): HTMLElement =>
  h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-testid': testId },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), ...columns.map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...rows.map((r, i) =>
          h(
            'tr',
            {},
            h('td', {}, i),
            ...columns.map((c) => h('td', { class: typeof r[c] === 'number' ? 'n' : '' }, cell(r[c]))),
          ),
        ),
      ),
    ),
  );

export const renderCandidate = async (root: HTMLElement, id: string): Promise<void> => {
  const { candidate: c, whyCandidate: why } = await gql<{
    candidate: CandidateView;
    whyCandidate: {
      chosenAsBest: boolean;
      priorPolicyUpdates: number;
      chain: Array<{ type: string; summary: string; recordedAt: string; actor: string }>;
    };
  }>(QUERY, { id });
  const layers = c.candidate.layers ?? [];
  const hw = c.hardware;
  const layerColumns = [...new Set(layers.flatMap((l) => Object.keys(l)))];
  const hwColumns = [...new Set((hw?.layers ?? []).flatMap((l) => Object.keys(l)))].filter(
    (k) => typeof (hw?.layers[0] ?? {})[k] !== 'object',
  );
  const curveBox = h('div');
  const auditBox = h('p', { 'data-testid': 'audit' }, 'auditing the stream…');
  root.replaceChildren(
    h('p', {}, h('a', { href: `#/experiment/${encodeURIComponent(c.experimentId)}` }, '← experiment')),
    h('h1', {}, `Candidate #${c.index}`),
    h(
      'p',
      { 'data-testid': 'candidate-summary' },
      `${c.status} · accuracy ${pct(c.accuracy)}${c.testAccuracy === null ? '' : ` · test ${pct(c.testAccuracy)}`} · reward ${c.reward === null ? '–' : c.reward.toFixed(3)}${c.rewardReason === null ? '' : ` (${c.rewardReason})`}`,
    ),
    hw === null
      ? h('p', {}, 'not evaluated yet')
      : h(
          'p',
          {},
          `${hw.device}: ${int(hw.luts)} LUTs, ${int(hw.throughputFps)} img/s, ${hw.latencyMs.toFixed(2)} ms · ${hw.feasible ? 'fits' : `infeasible: ${hw.violations.map((v) => `${v.constraint} ${int(v.actual)} vs ${int(v.limit)}`).join(', ')}`}`,
        ),
    h('section', {}, h('h2', {}, 'Layers (bits and folding)'), table(layers, layerColumns, 'layers')),
    h(
      'section',
      {},
      h('h2', {}, 'Hardware breakdown per layer'),
      hw === null ? h('p', {}, '–') : table(hw.layers, hwColumns, 'hardware-layers'),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Training curve'),
      c.trainingCurve.length === 0 ? h('p', {}, 'not trained') : curveBox,
    ),
    h(
      'section',
      {},
      h('h2', {}, `Why this candidate${why.chosenAsBest ? ' (the best design)' : ''}`),
      h('p', {}, `proposed after ${why.priorPolicyUpdates} policy updates; causation chain, newest first:`),
      h(
        'ol',
        { class: 'decisions', 'data-testid': 'why' },
        ...why.chain
          .slice(0, WHY_SHOWN)
          .map((s) => h('li', {}, h('time', {}, s.recordedAt.slice(11, 19)), ` ${s.type}: ${s.summary}`)),
      ),
      ...(why.chain.length > WHY_SHOWN
        ? [
            h(
              'p',
              {},
              `… ${why.chain.length - WHY_SHOWN} earlier links back to ExperimentStarted (\`cosearch why ${c.id}\` prints them all)`,
            ),
          ]
        : []),
    ),
    h('section', {}, h('h2', {}, 'Audit of the experiment stream'), auditBox),
  );
  if (c.trainingCurve.length > 0) {
    createLine(
      curveBox,
      Math.min(root.clientWidth - 16, 600),
      { x: 'epoch', series: ['validation', 'train'] },
      false,
    ).update([
      c.trainingCurve.map((p) => p.epoch),
      c.trainingCurve.map((p) => p.valAccuracy),
      c.trainingCurve.map((p) => p.trainAccuracy),
    ]);
  }
  const { auditExperiment: a } = await gql<{
    auditExperiment: {
      verified: boolean;
      events: number;
      anchored: boolean;
      head: string | null;
      faults: Array<{ kind: string; message: string }>;
    };
  }>(AUDIT, { id: c.experimentId });
  auditBox.textContent = a.verified
    ? `hash chain verified over ${a.events} events${a.anchored ? `; head ${a.head ?? '–'}` : ' (this store keeps no anchors)'}`
    : `${a.faults.length} fault(s): ${a.faults.map((f) => `${f.kind}: ${f.message}`).join('; ')}`;
};
