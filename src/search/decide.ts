// The loop's decider: from the folded state and the config, the one next command. Pure (time arrives as `nowMs`).
// Order: finish the oldest unfinished candidate, then multi-fidelity rung training and promotions, then the
// policy update of a complete episode, then the stop rules (closing rungs, the final top-k training), then the
// next proposal.
import { resolveDevice } from '../hardware/index.js';
import { dispatchOf, type ExperimentConfig } from './config.js';
import {
  byFidelity,
  nextPromotion,
  nextRungToClose,
  pendingRungTraining,
  type Promotion,
  type RungClosing,
} from './promotion.js';
import {
  accuracyOf,
  countsOf,
  isFeasibleTrained,
  trainingKind,
  type CandidateRecord,
  type OutstandingJob,
  type SearchState,
} from '../experiment/index.js';

export type SearchCommand =
  | { type: 'ProposeCandidate'; index: number }
  | { type: 'EvaluateHardware'; candidate: CandidateRecord }
  /** `rung`: a multi-fidelity rung (1 and up); absent for the proxy and final runs. */
  | { type: 'TrainCandidate'; candidate: CandidateRecord; final: boolean; rung?: number }
  /** Dispatch 'workers': hand the training to the workers (TrainingRequested); the loop goes on deciding. */
  | { type: 'RequestTraining'; candidate: CandidateRecord; final: boolean; rung?: number }
  /** Dispatch 'workers': nothing else can be decided; wait for the oldest requested training and fold its result. */
  | { type: 'AwaitTraining'; job: OutstandingJob }
  | { type: 'PromoteCandidate'; promotion: Promotion }
  | { type: 'CloseRung'; closing: RungClosing }
  | { type: 'AssignReward'; candidate: CandidateRecord }
  | { type: 'UpdatePolicy'; step: number; children: CandidateRecord[] }
  | { type: 'CompleteExperiment'; reason: string }
  | { type: 'Stop'; status: SearchState['status'] };

/** The stop rule that holds now, or undefined. */
export const stopReason = (state: SearchState, config: ExperimentConfig, nowMs: number): string | undefined => {
  const { budget } = config;
  const counts = countsOf(state);
  const target = budget.targetAccuracy;
  if (
    target !== undefined &&
    state.candidates.some((c) => isFeasibleTrained(c) && (c.trained?.accuracy ?? 0) >= target)
  ) {
    return `target accuracy ${target} reached`;
  }
  if (config.controller.kind === 'panel' && counts.proposed >= config.controller.designs.length)
    return `panel of ${config.controller.designs.length} designs done`;
  if (counts.proposed >= budget.maxCandidates) return `max candidates (${budget.maxCandidates}) reached`;
  // Proxy trainings out with the workers count too, so an episode filled while they train stays within the budget.
  const trained = counts.trained + state.outstanding.filter((j) => j.kind === 'proxy').length;
  if (budget.maxTrained !== undefined && trained >= budget.maxTrained)
    return `max trained (${budget.maxTrained}) reached`;
  if (wallTimeUp(state, config, nowMs)) return `max wall time (${budget.maxWallSeconds} s) reached`;
  return undefined;
};

/** True when `budget.maxWallSeconds` has passed since ExperimentStarted. */
const wallTimeUp = (state: SearchState, config: ExperimentConfig, nowMs: number): boolean => {
  const limit = config.budget.maxWallSeconds;
  if (limit === undefined || state.started === undefined) return false;
  return (nowMs - Date.parse(state.started.recordedAt)) / 1000 >= limit;
};

/**
 * The top-k feasible trained candidates in fidelity order: the highest rung finished first, then the accuracy
 * there (the proxy accuracy without multi-fidelity), earlier first on ties.
 */
export const topK = (state: SearchState, k: number): CandidateRecord[] =>
  state.candidates.filter(isFeasibleTrained).sort(byFidelity).slice(0, k);

export const decideNext = (state: SearchState, config: ExperimentConfig, nowMs: number): SearchCommand => {
  if (state.status !== 'running') return { type: 'Stop', status: state.status };
  if (dispatchOf(config) === 'workers') return decideDispatched(state, config, nowMs);
  for (const candidate of state.candidates) {
    if (candidate.hardware === undefined) return { type: 'EvaluateHardware', candidate };
    if (candidate.reward !== undefined) continue;
    const trainable = candidate.float || candidate.hardware.feasible;
    if (trainable && candidate.trained === undefined) return { type: 'TrainCandidate', candidate, final: false };
    return { type: 'AssignReward', candidate };
  }
  // Multi-fidelity: finish a promoted candidate's rung, then promote, before the policy learns (so it learns from
  // the best fidelity reached) and before new proposals. Past the wall-time budget nothing more is promoted.
  const pending = pendingRungTraining(state);
  if (pending !== undefined)
    return { type: 'TrainCandidate', candidate: pending.candidate, final: false, rung: pending.rung };
  return decideSettled(state, config, nowMs, () => {
    const candidate = topK(state, config.finalTraining.topK).find((c) => c.finalTrained === undefined);
    return candidate === undefined ? undefined : { type: 'TrainCandidate', candidate, final: true };
  });
};

/**
 * Once no candidate waits for its own training or reward: a promotion, the policy update of a complete episode, the
 * next proposal, or (the search has stopped) closing the rungs, the next final training (`nextFinal`) and completion.
 */
const decideSettled = (
  state: SearchState,
  config: ExperimentConfig,
  nowMs: number,
  nextFinalCommand: () => SearchCommand | undefined,
): SearchCommand => {
  const next = promoteLearnOrPropose(state, config, nowMs, 0);
  if (next !== undefined) return next;
  const reason = stopReason(state, config, nowMs);
  if (reason === undefined) return { type: 'ProposeCandidate', index: state.candidates.length };
  const closing = nextRungToClose(state, config);
  if (closing !== undefined) return { type: 'CloseRung', closing };
  return nextFinalCommand() ?? { type: 'CompleteExperiment', reason };
};

/**
 * The search's own next step, settled (`ahead` 0) or while trainings are out with the workers (`episodesAhead`): a
 * promotion first, then the policy update of the oldest episode whose children all have their reward (it learns from
 * the fidelity each child has reached so far), then a proposal of up to `ahead` episodes past the last update while
 * no stop rule holds. Undefined: nothing of these. Every rule reads folded state only, so the log's decisions do not
 * depend on the order in which the workers finish.
 */
const promoteLearnOrPropose = (
  state: SearchState,
  config: ExperimentConfig,
  nowMs: number,
  ahead: number,
): SearchCommand | undefined => {
  const promotion = wallTimeUp(state, config, nowMs) ? undefined : nextPromotion(state, config);
  if (promotion !== undefined) return { type: 'PromoteCandidate', promotion };
  const perEpisode = config.controller.childrenPerEpisode;
  const step = state.policySteps;
  const episodes = Math.floor(state.candidates.length / perEpisode);
  if (step < episodes) {
    const children = state.candidates.slice(step * perEpisode, (step + 1) * perEpisode);
    if (children.every((c) => c.reward !== undefined)) return { type: 'UpdatePolicy', step, children };
  }
  if (episodes <= step + ahead && stopReason(state, config, nowMs) === undefined)
    return { type: 'ProposeCandidate', index: state.candidates.length };
  return undefined;
};

/**
 * The decider of dispatch 'workers'. The same rules as decideNext, except that trainings are requested instead of
 * run, and the loop keeps deciding while they run: it requests every training it can, fills the current episode
 * (a proposal never depends on the results of its own episode), and only then waits for the OLDEST request. So
 * results are folded in request order, and the log's decisions are the same whatever order the workers finish in.
 */
const decideDispatched = (state: SearchState, config: ExperimentConfig, nowMs: number): SearchCommand => {
  let waiting = false;
  for (const candidate of state.candidates) {
    if (candidate.hardware === undefined) return { type: 'EvaluateHardware', candidate };
    if (candidate.reward !== undefined) continue;
    const trainable = candidate.float || candidate.hardware.feasible;
    if (trainable && candidate.trained === undefined) {
      if (!candidate.requested.has(trainingKind(false))) return { type: 'RequestTraining', candidate, final: false };
      waiting = true;
      continue;
    }
    // Rewards go in proposal order: none past a candidate still training.
    if (!waiting) return { type: 'AssignReward', candidate };
  }
  for (const candidate of state.candidates) {
    for (let rung = 1; rung <= candidate.promotedTo; rung++) {
      if (candidate.rungs.get(rung)?.trained === undefined && !candidate.requested.has(trainingKind(false, rung))) {
        return { type: 'RequestTraining', candidate, final: false, rung };
      }
    }
  }
  const oldest = state.outstanding[0];
  if (oldest !== undefined) {
    if (state.outstanding.every((j) => j.final)) {
      // Only final trainings out: the search has stopped, and the rest of the top k go out too.
      const final = nextFinal(state, config);
      return final === undefined
        ? { type: 'AwaitTraining', job: oldest }
        : { type: 'RequestTraining', candidate: final, final: true };
    }
    const ahead = config.episodesAhead ?? 0;
    if (ahead > 0) return promoteLearnOrPropose(state, config, nowMs, ahead) ?? { type: 'AwaitTraining', job: oldest };
    const episodeHasRoom =
      Math.floor(state.candidates.length / config.controller.childrenPerEpisode) <= state.policySteps;
    if (episodeHasRoom && stopReason(state, config, nowMs) === undefined)
      return { type: 'ProposeCandidate', index: state.candidates.length };
    return { type: 'AwaitTraining', job: oldest };
  }
  // Every final training goes out at once; their results are folded (above) before the experiment completes.
  return decideSettled(state, config, nowMs, () => {
    const final = nextFinal(state, config);
    return final === undefined ? undefined : { type: 'RequestTraining', candidate: final, final: true };
  });
};

/** The next top-k candidate whose final training was not requested yet. */
const nextFinal = (state: SearchState, config: ExperimentConfig): CandidateRecord | undefined =>
  topK(state, config.finalTraining.topK).find(
    (c) => c.finalTrained === undefined && !c.requested.has(trainingKind(true)),
  );

/** MnasNet-style soft objective of a feasible design: accuracy scaled by its LUT and throughput ratios to the targets. */
const weightedReward = (
  accuracy: number,
  hw: { luts: number; throughputFps: number },
  config: ExperimentConfig,
): { reward: number; reason: string } => {
  const lutBudget = config.device.maxLuts ?? resolveDevice(config.device.preset).lutBudget;
  const { luts: wLuts, throughput: wFps } = config.objectiveWeights;
  const lutFactor = Math.max(hw.luts, 1) / lutBudget;
  const minFps = config.device.minFps;
  const fpsFactor = minFps === undefined ? 1 : Math.max(hw.throughputFps, 1e-9) / minFps;
  const reward = accuracy * lutFactor ** wLuts * fpsFactor ** wFps;
  return {
    reward,
    reason:
      `weighted: accuracy ${accuracy.toFixed(4)} × (LUTs ${hw.luts}/${lutBudget})^${wLuts}` +
      (minFps === undefined ? '' : ` × (img/s ${hw.throughputFps.toFixed(0)}/${minFps})^${wFps}`),
  };
};

/**
 * Reward of a candidate: accuracy when feasible (or float), else a penalty growing with the relative violation.
 * `trainedAccuracy` replaces the proxy accuracy (multi-fidelity: the learning accuracy of a higher rung).
 */
export const rewardOf = (
  candidate: CandidateRecord,
  config: ExperimentConfig,
  trainedAccuracy = candidate.trained?.accuracy,
): { reward: number; reason: string } => {
  const hw = candidate.hardware;
  if (candidate.float)
    return { reward: trainedAccuracy ?? 0, reason: 'float accuracy (architecture phase, hardware ignored)' };
  if (hw?.feasible === true) {
    const accuracy = trainedAccuracy ?? 0;
    const zeroCost = candidate.trained?.zeroCost;
    if (zeroCost !== undefined) return { reward: accuracy, reason: `zero-cost score (${zeroCost}), not an accuracy` };
    return config.objective === 'weighted'
      ? weightedReward(accuracy, hw, config)
      : { reward: accuracy, reason: 'validation accuracy' };
  }
  const excess = (hw?.violations ?? []).reduce(
    (sum, v) => sum + Math.abs(v.actual - v.limit) / Math.max(Math.abs(v.limit), 1e-9),
    0,
  );
  const reward = -(config.penalty.base + config.penalty.scale * Math.min(excess, 10));
  const what = (hw?.violations ?? []).map((v) => `${v.constraint} ${v.actual.toFixed(0)} vs ${v.limit}`).join(', ');
  return { reward, reason: `infeasible, not trained: ${what || 'invalid design'}` };
};

/** Best accuracy reached so far among feasible trained candidates (final accuracy when present). */
export const bestAccuracy = (state: SearchState): number | undefined => {
  let best: number | undefined;
  for (const c of state.candidates) if (isFeasibleTrained(c)) best = Math.max(best ?? -Infinity, accuracyOf(c) ?? 0);
  return best;
};
