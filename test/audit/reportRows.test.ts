// The report's rows from given events: final runs win over proxies, float and pruned candidates never count as best,
// seeds of one controller × budget share a row, and a failed experiment keeps its row with its status.
import { describe, expect, it } from 'vitest';
import { reportMarkdown, reportRows } from '../../src/audit/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

const stream = (
  experimentId: string,
  items: Array<[string, Record<string, unknown>]>,
): { experimentId: string; events: RecordedEvent[] } => ({
  experimentId,
  events: items.map(([type, data], revision) => ({
    id: `${experimentId}-${revision}`,
    streamId: `experiment-${experimentId}`,
    revision,
    position: revision + 1,
    type,
    data: { experimentId, ...data },
    metadata: { recordedAt: '2026-12-06T00:00:00.000Z' } as RecordedEvent['metadata'],
  })),
});
const started = (kind: string, seed: number, maxLuts = 20_000): [string, Record<string, unknown>] => [
  'ExperimentStarted',
  { config: { controller: { kind }, device: { maxLuts, minFps: 1000 } }, seed, name: 'x' },
];
const proposed = (
  candidateId: string,
  index: number,
  extra: Record<string, unknown> = {},
): [string, Record<string, unknown>] => [
  'CandidateProposed',
  {
    candidateId,
    index,
    candidate: {},
    actions: [],
    logProbs: [],
    rng: { seed: 1, position: index },
    controller: 'x',
    ...extra,
  },
];
const hw = (candidateId: string, luts: number, feasible: boolean): [string, Record<string, unknown>] => [
  'HardwareEvaluated',
  { candidateId, device: 'd', luts, throughputFps: 1500, latencyMs: 1, feasible, violations: [], layers: [] },
];
const trained = (
  candidateId: string,
  accuracy: number,
  trainSeconds: number,
  extra: Record<string, unknown> = {},
): [string, Record<string, unknown>] => [
  'CandidateTrained',
  { candidateId, accuracy, epochs: 2, trainSeconds, backend: 'oracle', ...extra },
];

describe('reportRows', () => {
  it('takes the best final test accuracy over proxy accuracy and ignores float candidates of the separate controller', () => {
    const rows = reportRows([
      stream('a', [
        started('separate', 1),
        proposed('f', 0, { float: true }),
        trained('f', 0.99, 10),
        proposed('c1', 1),
        hw('c1', 15_000, true),
        trained('c1', 0.9, 20),
        proposed('c2', 2),
        hw('c2', 12_000, true),
        trained('c2', 0.5, 30),
        trained('c2', 0.6, 100, { final: true, testAccuracy: 0.7 }),
        ['ExperimentCompleted', {}],
      ]),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.seeds[0]).toMatchObject({
      accuracy: 0.7,
      accuracyKind: 'final-test',
      luts: 12_000,
      proposed: 3,
      pruned: 0,
      trained: 3,
      status: 'completed',
    });
    expect(rows[0]?.seeds[0]?.trainingHours).toBeCloseTo(160 / 3600, 12);
  });

  it('falls back to the best proxy accuracy, never a pruned candidate, and labels it proxy val', () => {
    const rows = reportRows([
      stream('b', [
        started('rl', 2),
        proposed('p', 0),
        hw('p', 90_000, false),
        proposed('q', 1),
        hw('q', 10_000, true),
        trained('q', 0.4, 5),
      ]),
    ]);
    expect(rows[0]?.seeds[0]).toMatchObject({
      accuracy: 0.4,
      accuracyKind: 'proxy-val',
      luts: 10_000,
      proposed: 2,
      pruned: 1,
      trained: 1,
    });
    expect(reportMarkdown(rows)).toContain('(proxy val)');
  });

  it('groups seeds by controller and budget, averages them, and keeps a failed experiment with its status', () => {
    const rows = reportRows([
      stream('r1', [started('rl', 1), proposed('a', 0), hw('a', 1, true), trained('a', 0.2, 1)]),
      stream('r2', [
        started('rl', 2),
        proposed('a', 0),
        hw('a', 1, true),
        trained('a', 0.4, 1),
        ['ExperimentFailed', { error: { code: 'INTERNAL', message: 'trainer crashed' } }],
      ]),
      stream('r3', [started('rl', 1, 60_000)]),
    ]);
    expect(rows.map((r) => [r.controller, r.maxLuts, r.seeds.length])).toEqual([
      ['rl', 20_000, 2],
      ['rl', 60_000, 1],
    ]);
    expect(rows[0]?.meanAccuracy).toBeCloseTo(0.3, 12);
    expect(rows[0]?.seeds[1]?.status).toBe('failed');
    expect(rows[1]?.meanAccuracy).toBeNull();
    expect(reportMarkdown(rows)).toContain('[failed]');
  });
});
