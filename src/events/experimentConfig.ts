// The experiment config's shape: one zod schema for the JSON a user writes (dataset, space, device, controller,
// training, budget, seed), with its defaults. It sits with the events because ExperimentStarted.config is this
// parsed config: append validates it (and fills the defaults), and readers take it typed from the event, never
// parsing it again. The search module adds the checks that need the space module (a panel's designs) and turns
// zod issues into one error that says how to fix them (parseExperimentConfig).
//
// Changing a default or adding a required field changes what a stored config means: bump ExperimentStarted's
// schemaVersion and register an upcaster (catalog.ts) that fills the old events in. Every config in the
// committed bundles (bench/results) is a fixed point of this schema: test/events/experimentConfig.test.ts.
import { z } from 'zod';
import { CosearchError } from '../errors.js';

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).max(1);

/** Where the images come from. `path` is a CIFAR-10 binary dir, an image folder or a .tar.gz; `--data` overrides it. */
export const DatasetConfig = z.strictObject({
  path: z.string().min(1).optional(),
  /** Use only the first N training images (after a seeded shuffle). */
  subset: positiveInt.optional(),
  /** Fraction of the (subset of the) training images held out for validation. @default 0.1 */
  validationSplit: z.number().gt(0).lt(1).default(0.1),
});

/** A custom space is passed through to the space module, which validates it. */
export const SpaceConfig = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const DeviceConfig = z.strictObject({
  /** Device preset of the hardware model, e.g. `zynq7020` or `30k`. */
  preset: z.string().min(1).default('zynq7020'),
  /** LUT budget; a design above it is infeasible and never trained. */
  maxLuts: positiveInt.optional(),
  /** Required throughput in images per second. */
  minFps: z.number().positive().optional(),
  /** Clock of the accelerator in MHz; the preset's clock when absent. */
  clockMhz: z.number().positive().optional(),
});

export const RlParams = z.strictObject({
  kind: z.literal('rl'),
  /** LSTM hidden size. @default 100 (FNAS/QNAS) */
  hiddenSize: positiveInt.default(100),
  /** Embedding size of the previous action fed to the LSTM. @default 32 */
  embeddingSize: positiveInt.default(32),
  /** Adam learning rate. @default 0.01 */
  learningRate: z.number().positive().default(0.01),
  /** Moving-average baseline decay. @default 0.9 */
  baselineDecay: fraction.default(0.9),
  /** Children sampled per policy update (episode). @default 5 */
  childrenPerEpisode: positiveInt.default(5),
});

export const RandomParams = z.strictObject({ kind: z.literal('random'), childrenPerEpisode: positiveInt.default(5) });

export const EvolutionParams = z.strictObject({
  kind: z.literal('evolution'),
  /** Size of the aging population. @default 20 */
  populationSize: positiveInt.default(20),
  /** Tournament size. @default 5 */
  sampleSize: positiveInt.default(5),
  /** Probability of mutating each action dimension beyond the one forced mutation. @default 0.05 */
  mutationRate: fraction.default(0.05),
  childrenPerEpisode: positiveInt.default(5),
});

export const SeparateParams = z.strictObject({
  kind: z.literal('separate'),
  /** Fraction of the candidate budget spent on the float architecture search. @default 0.6 */
  architectureFraction: z.number().gt(0).lt(1).default(0.6),
  /** How many of the best float architectures are quantized and folded. @default 3 */
  topArchitectures: positiveInt.default(3),
  childrenPerEpisode: positiveInt.default(5),
});

export const HotStartParams = z.strictObject({
  kind: z.literal('hotstart'),
  /** Experiments whose trained candidates seed this one; all earlier experiments in the log when absent. */
  fromExperiments: z.array(z.string().min(1)).optional(),
  /** How many zoo candidates (best first) seed the population. @default 10 */
  seeds: positiveInt.default(10),
  populationSize: positiveInt.default(20),
  sampleSize: positiveInt.default(5),
  mutationRate: fraction.default(0.05),
  childrenPerEpisode: positiveInt.default(5),
});

/** One named design of a panel; the space module validates `candidate` when the config is parsed. */
export const PanelDesignConfig = z.strictObject({
  name: z.string().min(1),
  candidate: z.record(z.string(), z.unknown()),
});

/**
 * A fixed panel (fidelity studies): proposes exactly `designs`, in order, then stops (`panel of N designs done`).
 * Designs outside the space are proposed as given; their action vector is the space's nearest encoding.
 */
export const PanelParams = z.strictObject({
  kind: z.literal('panel'),
  designs: z.array(PanelDesignConfig).min(1),
  childrenPerEpisode: positiveInt.default(5),
});

export const ControllerConfig = z.discriminatedUnion('kind', [
  RlParams,
  RandomParams,
  EvolutionParams,
  SeparateParams,
  HotStartParams,
  PanelParams,
]);

/** Proxy training of every feasible candidate. */
export const TrainingConfig = z.strictObject({
  epochs: positiveInt.default(1),
  batchSize: positiveInt.default(64),
  learningRate: z.number().positive().default(0.001),
  /** Random crop (4 px padding) and horizontal flip. @default true (the engine's default) */
  augment: z.boolean().optional(),
  /** Epochs of linear learning-rate warm-up before the cosine schedule. @default 0 */
  warmupEpochs: z.number().nonnegative().optional(),
  /** L2 penalty on kernels and PACT clips. @default 5e-4 (the engine's default) */
  weightDecay: z.number().nonnegative().optional(),
  /** Use the accuracy oracle (a fixed formula of the candidate) instead of training; for tests and dry runs. */
  oracle: z.boolean().default(false),
  /**
   * Score each candidate at initialisation instead of training it (fidelity 0): `naswot` (Mellor et al. 2021). The
   * score lands in CandidateTrained.accuracy with `zeroCost: 'naswot'` and `epochs: 0`; it is not a probability.
   * @default absent (train)
   */
  zeroCost: z.enum(['naswot']).optional(),
});

/**
 * Longer training of the best candidates after the search. topK 0 turns it off. A final run trains on the whole
 * training split (less the validation split), not on `dataset.subset`, and reports test accuracy; `subset` limits it.
 */
export const FinalTrainingConfig = z.strictObject({
  topK: z.number().int().nonnegative().default(0),
  epochs: positiveInt.default(10),
  /** Training images of a final run. @default the whole training split */
  subset: positiveInt.optional(),
  /** Base learning rate of a final run (cosine schedule). @default training.learningRate */
  learningRate: z.number().positive().optional(),
  /** Epochs of linear learning-rate warm-up of a final run. @default 0 */
  warmupEpochs: z.number().nonnegative().optional(),
  /** L2 penalty of a final run. @default training.weightDecay, else 5e-4 */
  weightDecay: z.number().nonnegative().optional(),
  /** Augmentation of a final run. @default training.augment, else true */
  augment: z.boolean().optional(),
});

/** One rung above the proxy: a longer training (and optionally on more images) for the candidates promoted to it. */
export const RungConfig = z.strictObject({
  /** Epochs of a training at this rung. */
  epochs: positiveInt,
  /** Training images at this rung. @default dataset.subset (the proxy's images) */
  subset: positiveInt.optional(),
});

/**
 * Multi-fidelity search by asynchronous successive halving (ASHA, Li et al. 2020). Rung 0 is the proxy
 * (`training`); whenever a candidate ranks in the top 1/`reduction` of the candidates finished at a rung, it is
 * promoted and trains again at the next rung. Promotions come before new proposals, top rungs first.
 */
export const MultiFidelityConfig = z.strictObject({
  /** η: a rung keeps the top 1/reduction of its candidates. @default 3 */
  reduction: z.number().int().min(2).default(3),
  /** The rungs above the proxy, lowest first. */
  rungs: z.array(RungConfig).min(1).max(8),
});

export const BudgetConfig = z.strictObject({
  /** Stop after this many proposals (pruned ones included). */
  maxCandidates: positiveInt.default(50),
  /** Stop after this many trained candidates. */
  maxTrained: positiveInt.optional(),
  /** Stop after this wall time in seconds (checked between steps). */
  maxWallSeconds: z.number().positive().optional(),
  /** Stop as soon as a feasible candidate reaches this validation accuracy (0..1). */
  targetAccuracy: fraction.optional(),
});

/**
 * Exponents of the `weighted` objective. `luts` ≤ 0 rewards designs below the LUT budget (MnasNet uses −0.07);
 * `throughput` ≥ 0 rewards designs above the frame-rate target (it needs `device.minFps`).
 */
export const ObjectiveWeights = z.strictObject({
  luts: z.number().min(-1).max(0).default(-0.07),
  throughput: z.number().min(0).max(1).default(0),
});

/** Reward of an infeasible design: `-(base + scale · Σ relative violation)`. */
export const PenaltyConfig = z.strictObject({
  base: z.number().nonnegative().default(0.1),
  scale: z.number().nonnegative().default(0.5),
});

/** The config object without the cross-field rules (ExperimentConfigShape adds them). */
const ExperimentConfigObject = z.strictObject({
  // Stored in ExperimentStarted and shown everywhere: bounded like the API's other strings (docs/api.md, Limits).
  name: z.string().min(1).max(200).default('experiment'),
  seed: z.number().int().default(1),
  dataset: DatasetConfig.default({ validationSplit: 0.1 }),
  space: SpaceConfig.default('quick'),
  device: DeviceConfig.default({ preset: 'zynq7020' }),
  controller: ControllerConfig.default({
    kind: 'rl',
    hiddenSize: 100,
    embeddingSize: 32,
    learningRate: 0.01,
    baselineDecay: 0.9,
    childrenPerEpisode: 5,
  }),
  training: TrainingConfig.default({ epochs: 1, batchSize: 64, learningRate: 0.001, oracle: false }),
  finalTraining: FinalTrainingConfig.default({ topK: 0, epochs: 10 }),
  budget: BudgetConfig.default({ maxCandidates: 50 }),
  /** Successive-halving rungs above the proxy; absent: every candidate trains once, at the proxy. */
  multiFidelity: MultiFidelityConfig.optional(),
  penalty: PenaltyConfig.default({ base: 0.1, scale: 0.5 }),
  /**
   * `accuracy`: the reward of a feasible design is its accuracy. `pareto`: the same reward, and the front over
   * accuracy, LUTs and img/s is reported. `weighted`: a feasible design's reward is
   * `accuracy · (LUTs / LUT budget)^luts · (img/s / minFps)^throughput` (MnasNet's soft-constraint form), so the
   * controller also learns to prefer smaller or faster designs among the feasible ones.
   */
  objective: z.enum(['accuracy', 'pareto', 'weighted']).default('accuracy'),
  /** Exponents of the `weighted` objective; ignored otherwise. */
  objectiveWeights: ObjectiveWeights.default({ luts: -0.07, throughput: 0 }),
  /**
   * Who trains the candidates: `local`, the loop's own process, one at a time; `workers`, `cosearch worker`
   * processes on any host that reaches the store, which claim TrainingRequested jobs (docs/workers.md).
   * @default 'local'; `cosearch search` and `serve` start new experiments with 'workers' unless they use the oracle
   * (withDefaultDispatch), and the choice is stored in ExperimentStarted, so a resumed run keeps it.
   */
  dispatch: z.enum(['local', 'workers']).optional(),
  /**
   * Dispatch 'workers' only (absent dispatch then means 'workers'; not with controller 'separate'): how many
   * episodes the loop may propose past the controller's last policy update while trainings are out, so the workers
   * stay busy when an episode has fewer feasible children than there are workers. 0 is the synchronous rule: the
   * next episode waits until every training of this one is back and learned. Proposals made ahead come from the
   * policy one update behind. @default 0 (absent)
   */
  episodesAhead: z.number().int().min(0).max(8).optional(),
});

/** A zero-cost score is not an accuracy: the rules that compare accuracies with each other or with 0..1 refuse it. */
const zeroCostConflicts = (c: z.infer<typeof ExperimentConfigObject>): Array<{ path: string[]; message: string }> => {
  if (c.training.zeroCost === undefined) return [];
  const why = `cannot be used with training.zeroCost '${c.training.zeroCost}' (a score, not an accuracy); remove one of them`;
  return [
    ...(c.training.oracle ? [{ path: ['training', 'oracle'], message: `the accuracy oracle ${why}` }] : []),
    ...(c.multiFidelity !== undefined ? [{ path: ['multiFidelity'], message: `multi-fidelity rungs ${why}` }] : []),
    ...(c.finalTraining.topK > 0 ? [{ path: ['finalTraining', 'topK'], message: `final training ${why}` }] : []),
    ...(c.budget.targetAccuracy !== undefined
      ? [{ path: ['budget', 'targetAccuracy'], message: `a target accuracy ${why}` }]
      : []),
  ];
};

/** The config as ExperimentStarted stores it: the shape, its defaults and the rules that need no other module. */
export const ExperimentConfigShape = ExperimentConfigObject.superRefine((c, ctx) => {
  for (const issue of zeroCostConflicts(c)) ctx.addIssue({ code: 'custom', ...issue });
  if ((c.episodesAhead ?? 0) > 0 && c.dispatch === 'local')
    ctx.addIssue({
      code: 'custom',
      path: ['episodesAhead'],
      message: "works ahead of the workers, so it needs dispatch 'workers'; remove it or set dispatch to 'workers'",
    });
  // separate's quantize phase picks the best float architectures of the phase before: it must have learned them all.
  if ((c.episodesAhead ?? 0) > 0 && c.controller.kind === 'separate')
    ctx.addIssue({
      code: 'custom',
      path: ['episodesAhead'],
      message:
        "cannot be used with controller 'separate' (its quantize phase needs every float result of the architecture phase); remove episodesAhead",
    });
});

/** A parsed experiment config: every default filled in. */
export type ExperimentConfig = z.infer<typeof ExperimentConfigShape>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigShape>;
export type ControllerParams = z.infer<typeof ControllerConfig>;
export type MultiFidelity = z.infer<typeof MultiFidelityConfig>;

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown => {
  let node: unknown = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
};

/**
 * Validates an experiment config (parsed JSON) with `schema` (ExperimentConfigShape, or a refinement of it) and fills
 * in defaults. Throws CosearchError BAD_USER_INPUT whose message lists each problem as `path: expected …, but got …`.
 */
export const parseConfigWith = (schema: z.ZodType<ExperimentConfig, unknown>, input: unknown): ExperimentConfig => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    return `${path}: ${issue.message}, but got ${describe(valueAt(input, issue.path))}`;
  });
  throw new CosearchError(
    'BAD_USER_INPUT',
    `invalid experiment config: ${problems.join('; ')}. See docs/search.md for every field and examples/quick.json for a working config.`,
    {
      issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    },
  );
};
