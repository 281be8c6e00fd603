// A fidelity study: one seeded panel of feasible designs scored at several fidelities (zero-cost scores, short runs,
// the reference recipe last), one panel experiment per fidelity, ids derived from the study id so a re-run resumes.
import { z } from 'zod';
import { CosearchError } from '../errors.js';
import { startedConfigOf } from '../events/index.js';
import type { EventStore } from '../store/index.js';
import { DatasetConfig, DeviceConfig, parseExperimentConfig, SpaceConfig, type ExperimentConfig } from './config.js';
import type { Candidate } from './deps.js';
import { runExperiment, startExperiment } from './loop.js';
import { feasibleExtras, feasiblePanel, type PanelDesign } from './panel.js';
import { type Shard, shardSuffix } from './studyShard.js';
import type { CandidateTrainer, HardwareEvaluator } from './ports.js';
import type { SearchSummary } from './summary.js';

const positiveInt = z.number().int().positive();

/** One fidelity: a zero-cost score, or a training of `epochs` on `subset` images with the study's recipe (overridable). */
export const FidelityConfig = z.strictObject({
  /** Names the fidelity in the table and in its experiment id (letters, digits, `-`, `_`). */
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _'),
  /** Score at initialisation instead of training. */
  zeroCost: z.enum(['naswot']).optional(),
  /** Training epochs. @default 1 */
  epochs: positiveInt.optional(),
  /** Training images. @default the whole training split */
  subset: positiveInt.optional(),
  learningRate: z.number().positive().optional(),
  warmupEpochs: z.number().nonnegative().optional(),
  weightDecay: z.number().nonnegative().optional(),
  augment: z.boolean().optional(),
});

export const StudyConfigSchema = z.strictObject({
  /** Prefix of every experiment id of the study: `<id>-<fidelity name>`; the same id resumes the study. */
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _'),
  name: z.string().min(1).default('fidelity study'),
  /** Seeds every training (the same design gets the same init and split at every fidelity). @default 1 */
  seed: z.number().int().default(1),
  dataset: DatasetConfig.omit({ subset: true }).default({ validationSplit: 0.1 }),
  space: SpaceConfig.default('qnas'),
  /** The budget the panel's designs must fit. @default 30k preset, 30,000 LUTs, ≥ 1,293 img/s (QNAS) */
  device: DeviceConfig.default({ preset: '30k', maxLuts: 30000, minFps: 1293 }),
  panel: z.strictObject({
    /** Designs sampled from `space` (distinct, feasible under `device`). */
    count: z.number().int().nonnegative(),
    /** Seed of the sampling. @default 1 */
    seed: z.number().int().default(1),
    /** Candidate JSON files (relative to the working directory) added after the sampled ones when feasible. @default none */
    extras: z.array(z.string().min(1)).default([]),
  }),
  /** Defaults of every training fidelity. */
  training: z
    .strictObject({
      batchSize: positiveInt.default(64),
      learningRate: z.number().positive().default(0.01),
      warmupEpochs: z.number().nonnegative().optional(),
      weightDecay: z.number().nonnegative().optional(),
      augment: z.boolean().optional(),
    })
    .default({ batchSize: 64, learningRate: 0.01 }),
  /** Cheapest first; the last is the reference (the final recipe) every other fidelity is ranked against. */
  fidelities: z
    .array(FidelityConfig)
    .min(2)
    .superRefine((list, ctx) => {
      const names = new Set<string>();
      list.forEach((f, i) => {
        if (names.has(f.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `expected distinct fidelity names, but '${f.name}' repeats`,
          });
        names.add(f.name);
      });
      if (list[list.length - 1]?.zeroCost !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [list.length - 1],
          message: 'expected the last (reference) fidelity to be a training, not a zero-cost score',
        });
    }),
});

export type StudyConfig = z.infer<typeof StudyConfigSchema>;
export type FidelitySpec = z.infer<typeof FidelityConfig>;

/** Validates a study config; BAD_USER_INPUT lists each problem as `path: message`. */
export const parseStudyConfig = (input: unknown): StudyConfig => {
  const result = StudyConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(study)'}: ${i.message}`);
  throw new CosearchError(
    'BAD_USER_INPUT',
    `invalid study config: ${problems.join('; ')}. See docs/search.md (Fidelity studies) and examples/fidelity-tiny.json.`,
  );
};

/** The experiment id of one fidelity of a study (of one shard of its panel: `<id>-<fidelity>-shard<k>of<n>`). */
export const fidelityExperimentId = (study: StudyConfig, fidelity: FidelitySpec, shard?: Shard): string =>
  `${study.id}-${fidelity.name}${shardSuffix(shard)}`;

/** Every experiment id of one fidelity: one, or one per shard when the panel is split `shards` ways. */
export const fidelityExperimentIds = (study: StudyConfig, fidelity: FidelitySpec, shards = 1): string[] =>
  shards <= 1
    ? [fidelityExperimentId(study, fidelity)]
    : Array.from({ length: shards }, (_, i) => fidelityExperimentId(study, fidelity, { index: i + 1, count: shards }));

/** The study's panel: `panel.count` sampled designs, then the feasible extras (named by the caller). */
export const studyPanel = (
  study: StudyConfig,
  extras: ReadonlyArray<{ name: string; candidate: Candidate }>,
): PanelDesign[] => {
  const probe = parseExperimentConfig({ space: study.space, device: study.device });
  return [
    ...feasiblePanel(probe, { count: study.panel.count, seed: study.panel.seed }).designs,
    ...feasibleExtras(probe, extras),
  ];
};

/** The experiment config (input) of one fidelity: a panel experiment over `designs` with that fidelity's training. */
export const fidelityExperimentConfig = (
  study: StudyConfig,
  fidelity: FidelitySpec,
  designs: ReadonlyArray<Pick<PanelDesign, 'name' | 'candidate'>>,
  shard?: Shard,
): unknown => {
  const t = study.training;
  const pick = <K extends 'learningRate' | 'warmupEpochs' | 'weightDecay' | 'augment'>(
    key: K,
  ): Record<string, unknown> => {
    const value = fidelity[key] ?? t[key];
    return value === undefined ? {} : { [key]: value };
  };
  return {
    name: `${study.name}: ${fidelity.name}${shard === undefined || shard.count <= 1 ? '' : ` [shard ${shard.index}/${shard.count}]`}`,
    seed: study.seed,
    dataset: { ...study.dataset, ...(fidelity.subset === undefined ? {} : { subset: fidelity.subset }) },
    space: study.space,
    device: study.device,
    controller: { kind: 'panel', designs: designs.map((d) => ({ name: d.name, candidate: { ...d.candidate } })) },
    training: {
      epochs: fidelity.epochs ?? 1,
      batchSize: t.batchSize,
      ...pick('learningRate'),
      ...pick('warmupEpochs'),
      ...pick('weightDecay'),
      ...pick('augment'),
      ...(fidelity.zeroCost === undefined ? {} : { zeroCost: fidelity.zeroCost }),
    },
    budget: { maxCandidates: designs.length },
  };
};

/** Options of runStudy. */
export interface RunStudyOptions {
  store: EventStore;
  study: StudyConfig;
  /**
   * The panel (studyPanel; shardPanel's part of it for a shard). Used only while no fidelity of this study (and shard)
   * is logged: once one is, a new fidelity scores that experiment's logged designs (see loggedPanel).
   */
  designs: readonly PanelDesign[];
  /** Which part of the split panel `designs` is: the experiment ids and names then carry `shard<k>of<n>`. @default the whole panel */
  shard?: Shard;
  /** The trainer of one fidelity's experiment (the engine trainer; a fixed-result trainer in tests). */
  trainer: (config: ExperimentConfig) => Promise<CandidateTrainer>;
  hardware: (config: ExperimentConfig) => HardwareEvaluator;
  actor?: string;
  signal?: AbortSignal;
  /** Called before each fidelity runs and after it stops. */
  onFidelity?: (event: { fidelity: FidelitySpec; experimentId: string; summary?: SearchSummary }) => void;
}

/**
 * The panel this study (this shard of it) already logged: the designs of its first fidelity experiment in the store,
 * or undefined when none is. A fidelity added to a finished study must score exactly those designs, or the table
 * would pair it with a reference trained on others: sampling depends on the hardware model, which may have been
 * recalibrated since (the table pairs designs by their canonical JSON).
 */
export const loggedPanel = async (
  store: EventStore,
  study: StudyConfig,
  shard?: Shard,
): Promise<Array<Pick<PanelDesign, 'name' | 'candidate'>> | undefined> => {
  for (const fidelity of study.fidelities) {
    const [first] = await store.readStream(`experiment-${fidelityExperimentId(study, fidelity, shard)}`, {
      maxCount: 1,
    });
    if (first === undefined) continue;
    const controller = startedConfigOf(first)?.controller;
    if (controller?.kind === 'panel')
      return controller.designs.map((d) => ({ name: d.name, candidate: d.candidate as unknown as Candidate }));
  }
  return undefined;
};

/**
 * Runs (or resumes) every fidelity's experiment in order and returns their ids, in the study's order. An existing
 * experiment keeps its logged panel, and a new fidelity of a study already in the store scores the panel logged
 * by its first fidelity (loggedPanel), so a re-run or an added fidelity scores the same designs even if sampling
 * code changed.
 */
export const runStudy = async (options: RunStudyOptions): Promise<string[]> => {
  const { store, study } = options;
  const designs = (await loggedPanel(store, study, options.shard)) ?? options.designs;
  const ids: string[] = [];
  for (const fidelity of study.fidelities) {
    if (options.signal?.aborted === true) break;
    const experimentId = fidelityExperimentId(study, fidelity, options.shard);
    ids.push(experimentId);
    const existing = await store.readStream(`experiment-${experimentId}`, { maxCount: 1 });
    const config =
      startedConfigOf(existing[0]) ??
      parseExperimentConfig(fidelityExperimentConfig(study, fidelity, designs, options.shard));
    if (existing.length === 0) await startExperiment(store, config, { experimentId, actor: options.actor ?? 'system' });
    options.onFidelity?.({ fidelity, experimentId });
    const summary = await runExperiment({
      store,
      experimentId,
      trainer: await options.trainer(config),
      hardware: options.hardware,
      ...(options.actor === undefined ? {} : { actor: options.actor }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    options.onFidelity?.({ fidelity, experimentId, summary });
    if (summary.status === 'failed')
      throw new CosearchError(
        'ILLEGAL_STATE',
        `fidelity '${fidelity.name}' (experiment ${experimentId}) failed; see its ExperimentFailed event (cosearch why) and re-run the study to resume`,
      );
  }
  return ids;
};
