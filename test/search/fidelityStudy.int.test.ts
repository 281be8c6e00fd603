// A small fidelity study end to end on a real SQLite file with a fixed-result trainer: one panel experiment per
// fidelity, a re-run after an interruption resumes without duplicating anything, and the table equals one
// recomputed here, independently, from the raw events.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHardwareEvaluator,
  fidelityExperimentId,
  fidelityTable,
  oracleAccuracy,
  parseStudyConfig,
  runStudy,
  studyPanel,
  type CandidateTrainer,
  type ExperimentConfig,
  type StudyConfig,
} from '../../src/search/index.js';
import { canonicalJson, type Candidate } from '../../src/space/index.js';
import type { EventStore, RecordedEvent } from '../../src/store/index.js';
import { openStore, tempStoreUrl } from './fixtures/harness.js';

const reference4bit = JSON.parse(
  readFileSync(new URL('../../examples/candidates/reference-4bit.json', import.meta.url), 'utf8'),
) as Candidate;

const study: StudyConfig = parseStudyConfig({
  id: 'study-t',
  name: 'tiny',
  seed: 3,
  space: 'quick',
  panel: { count: 7, seed: 2 },
  fidelities: [
    { name: 'zc', zeroCost: 'naswot' },
    { name: 'e1', epochs: 1, subset: 500 },
    { name: 'e3', epochs: 3, subset: 1000 },
    { name: 'ref', epochs: 9 },
  ],
});

/** A deterministic pseudo-random number in [0, 1) of a design and a fidelity. */
const jitter = (candidate: unknown, salt: string): number =>
  createHash('sha256')
    .update(canonicalJson(candidate) + salt)
    .digest()
    .readUInt32BE(0) /
  2 ** 32;

/**
 * Fixed results: accuracy = oracle + noise that shrinks with epochs (rounded to 2 digits, so ties happen); a zero-cost
 * "score" far outside 0..1. Seconds grow with epochs × images, so the cost fractions are known.
 */
const fixedTrainer = (config: ExperimentConfig, onTrained: () => void): CandidateTrainer => ({
  backend: 'fixed',
  trainImages: config.dataset.subset ?? 4000,
  async train(candidate, options, onEpoch) {
    const images = options.subset ?? config.dataset.subset ?? 4000;
    onTrained();
    if (options.zeroCost !== undefined) {
      return {
        accuracy: 200 * oracleAccuracy(candidate) + 40 * jitter(candidate, 'zc'),
        zeroCost: options.zeroCost,
        epochs: 0,
        trainSeconds: 0.25,
        backend: 'fixed',
      };
    }
    const accuracy =
      Math.round(
        100 * (oracleAccuracy(candidate) + (0.3 / options.epochs) * (jitter(candidate, String(options.epochs)) - 0.5)),
      ) / 100;
    for (let epoch = 1; epoch <= options.epochs; epoch++)
      await onEpoch({ epoch, loss: 1, trainAccuracy: accuracy, valAccuracy: accuracy, imagesPerSec: 1 });
    return { accuracy, epochs: options.epochs, trainSeconds: (options.epochs * images) / 100, backend: 'fixed' };
  },
});

/** Average ranks, written out again here (not the module's) so the check does not reuse the code it checks. */
const ranks = (v: number[]): number[] =>
  v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
const pearson = (a: number[], b: number[]): number => {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  const cov = a.reduce((s, x, i) => s + (x - ma) * ((b[i] ?? 0) - mb), 0);
  return cov / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
};
/** τ-b from its textbook form: (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), n₁ and n₂ summed over groups of tied values. */
const tauB = (x: number[], y: number[]): number => {
  let nc = 0;
  let nd = 0;
  x.forEach((xi, i) =>
    x.forEach((xj, j) => {
      if (j > i) {
        const p = (xj - xi) * ((y[j] ?? 0) - (y[i] ?? 0));
        if (p > 0) nc++;
        else if (p < 0) nd++;
      }
    }),
  );
  const tiePairs = (v: number[]): number =>
    [...new Set(v)].reduce((s, u) => {
      const t = v.filter((w) => w === u).length;
      return s + (t * (t - 1)) / 2;
    }, 0);
  const n0 = (x.length * (x.length - 1)) / 2;
  return (nc - nd) / Math.sqrt((n0 - tiePairs(x)) * (n0 - tiePairs(y)));
};

/** Per design (its proposed candidate's JSON): the proxy CandidateTrained's accuracy and seconds, from raw events. */
const rawScores = (events: RecordedEvent[]): Map<string, { accuracy: number; seconds: number }> => {
  const design = new Map(
    events
      .filter((e) => e.type === 'CandidateProposed')
      .map((e) => {
        const d = e.data as { candidateId: string; candidate: unknown };
        return [d.candidateId, JSON.stringify(d.candidate)];
      }),
  );
  return new Map(
    events
      .filter((e) => e.type === 'CandidateTrained')
      .map((e) => {
        const d = e.data as { candidateId: string; accuracy: number; trainSeconds: number };
        return [design.get(d.candidateId) ?? '', { accuracy: d.accuracy, seconds: d.trainSeconds }];
      }),
  );
};

let store: EventStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('fidelity study', () => {
  it('runs one panel experiment per fidelity, resumes after an interruption, and its table equals one recomputed from the raw events', async () => {
    store = await openStore(tempStoreUrl());
    const designs = studyPanel(study, [{ name: 'reference-4bit', candidate: reference4bit }]);
    expect(designs.map((d) => d.name)).toEqual([
      'sample-0',
      'sample-1',
      'sample-2',
      'sample-3',
      'sample-4',
      'sample-5',
      'sample-6',
      'reference-4bit',
    ]);

    // First run: stopped after 13 trainings (inside the second fidelity).
    const abort = new AbortController();
    let trainings = 0;
    const run = (signal?: AbortSignal) =>
      runStudy({
        store: store as EventStore,
        study,
        designs,
        hardware: createHardwareEvaluator,
        ...(signal === undefined ? {} : { signal }),
        trainer: async (config) =>
          fixedTrainer(config, () => {
            trainings += 1;
            if (trainings === 13) abort.abort(new Error('stop'));
          }),
      });
    await run(abort.signal);
    const ids = study.fidelities.map((f) => fidelityExperimentId(study, f));
    expect(ids).toEqual(['study-t-zc', 'study-t-e1', 'study-t-e3', 'study-t-ref']);
    const partial = await fidelityTable(store, ids);
    expect(partial.rows.map((r) => r.status)).toEqual(['completed', 'running', 'missing', 'missing']);

    await run();
    const streams = await Promise.all(ids.map((id) => (store as EventStore).readStream(`experiment-${id}`)));
    for (const events of streams) {
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.filter((e) => e.type === 'CandidateTrained')).toHaveLength(designs.length);
      // Every proposal is a panel design, in order, named in its note.
      expect(
        events.filter((e) => e.type === 'CandidateProposed').map((e) => (e.data as { note?: string }).note),
      ).toEqual(designs.map((d) => `panel design ${d.name}`));
    }
    const zc =
      streams[0]?.filter((e) => e.type === 'CandidateTrained').map((e) => e.data as Record<string, unknown>) ?? [];
    for (const d of zc) expect(d).toMatchObject({ zeroCost: 'naswot', epochs: 0 });

    const table = await fidelityTable(store, ids);
    const ref = rawScores(streams[3] ?? []);
    const expected = streams.map((events) => {
      const own = rawScores(events);
      const keys = [...ref.keys()].filter((k) => own.has(k));
      const x = keys.map((k) => own.get(k)?.accuracy ?? 0);
      const y = keys.map((k) => ref.get(k)?.accuracy ?? 0);
      const seconds = keys.reduce((s, k) => s + (own.get(k)?.seconds ?? 0), 0);
      const refSeconds = keys.reduce((s, k) => s + (ref.get(k)?.seconds ?? 0), 0);
      return {
        pairs: keys.length,
        spearman: pearson(ranks(x), ranks(y)),
        kendallTauB: tauB(x, y),
        costFraction: seconds / refSeconds,
        status: 'completed',
      };
    });
    expect(table.reference).toBe('study-t-ref');
    table.rows.forEach((row, i) => {
      const e = expected[i];
      expect(row.pairs).toBe(designs.length);
      expect(row.status).toBe(e?.status);
      expect(row.spearman).toBeCloseTo(e?.spearman ?? NaN, 12);
      expect(row.kendallTauB).toBeCloseTo(e?.kendallTauB ?? NaN, 12);
      expect(row.costFraction).toBeCloseTo(e?.costFraction ?? NaN, 12);
    });
    // The reference ranks itself perfectly at full cost; the 1-epoch run on 500 images costs (1·500)/(9·4000).
    expect(table.rows[3]).toMatchObject({ spearman: 1, kendallTauB: 1, costFraction: 1 });
    expect(table.rows[1]?.costFraction).toBeCloseTo(500 / 36000, 12);
    expect(table.rows.map((r) => [r.epochs, r.trainImages])).toEqual([
      [0, 4000],
      [1, 500],
      [3, 1000],
      [9, 4000],
    ]);
    // Rounded accuracies tie somewhere, so τ-b's tie terms are exercised (τ-b differs from plain τ-a).
    const e1 = [...rawScores(streams[1] ?? []).values()].map((s) => s.accuracy);
    expect(new Set(e1).size + new Set([...ref.values()].map((s) => s.accuracy)).size).toBeLessThan(2 * designs.length);
  });

  it('a fidelity added to a logged study scores the logged panel, not a fresh sample', async () => {
    store = await openStore(tempStoreUrl());
    const small = parseStudyConfig({
      ...study,
      fidelities: [
        { name: 'e1', epochs: 1, subset: 500 },
        { name: 'ref', epochs: 2 },
      ],
    });
    const sampled = studyPanel(small, []);
    const train = {
      hardware: createHardwareEvaluator,
      trainer: async (config: ExperimentConfig) => fixedTrainer(config, () => {}),
    };
    await runStudy({ store, study: small, designs: sampled.slice(0, 4), ...train });
    // Later the sampler (or the hardware model under it) gives other designs; the added fidelity must ignore them.
    const added = parseStudyConfig({
      ...small,
      fidelities: [small.fidelities[0], { name: 'e2', epochs: 2, subset: 500 }, small.fidelities[1]],
    });
    await runStudy({ store, study: added, designs: sampled.slice(3), ...train });
    const proposed = async (id: string): Promise<string[]> =>
      (await (store as EventStore).readStream(`experiment-${id}`))
        .filter((e) => e.type === 'CandidateProposed')
        .map((e) => canonicalJson((e.data as { candidate: unknown }).candidate));
    const logged = await proposed('study-t-ref');
    expect(logged).toEqual(sampled.slice(0, 4).map((d) => canonicalJson(d.candidate)));
    expect(await proposed('study-t-e2')).toEqual(logged);
    expect((await fidelityTable(store, ['study-t-e1', 'study-t-e2', 'study-t-ref'])).rows.map((r) => r.pairs)).toEqual([
      4, 4, 4,
    ]);
  });

  it('refuses a study whose reference fidelity is a zero-cost score, or whose fidelity names repeat', () => {
    expect(() =>
      parseStudyConfig({
        id: 's',
        panel: { count: 1 },
        fidelities: [{ name: 'a' }, { name: 'z', zeroCost: 'naswot' }],
      }),
    ).toThrow(/fidelities\.1: expected the last \(reference\) fidelity to be a training/);
    expect(() =>
      parseStudyConfig({ id: 's', panel: { count: 1 }, fidelities: [{ name: 'a' }, { name: 'a' }] }),
    ).toThrow(/'a' repeats/);
  });
});
