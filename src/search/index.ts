// Public surface of the search module: experiment config, controllers, the event-sourced loop and runner,
// the accuracy oracle, the model zoo and the Pareto front.
export { dispatchOf, parseExperimentConfig, withDefaultDispatch, ExperimentConfigSchema } from './config.js';
export type { ExperimentConfig, ExperimentConfigInput, ControllerParams, MultiFidelity } from './config.js';
export type {
  CandidateTrainer,
  EpochReport,
  HardwareEvaluator,
  HardwareReport,
  JobView,
  TrainingDispatcher,
  TrainOptions,
  TrainResult,
  Violation,
} from './ports.js';
export type { Controller, ChildResult, LearnResult, Proposal, ProposeContext } from './controllers/controller.js';
export { createController, policySeed } from './controllers/factory.js';
export { createRandomController } from './controllers/random.js';
export { createEvolutionController, mutate } from './controllers/evolution.js';
export type { EvolutionOptions, Member } from './controllers/evolution.js';
export { createRlController } from './controllers/rl.js';
export type { RlControllerOptions } from './controllers/rl.js';
export { createSeparateController } from './controllers/separate.js';
export { createPolicy } from './controllers/policy.js';
export type { PolicyCheckpoint } from './controllers/policy.js';
// The experiment stream's fold and views live in src/experiment; re-exported for the search's callers.
export {
  initialState,
  evolve,
  evolveInPlace,
  foldStream,
  accuracyOf,
  bestOf,
  countsOf,
  paretoOf,
  scoreAt,
  topRungOf,
} from '../experiment/index.js';
export type { SearchState, CandidateRecord, ExperimentCounts, RungRecord, SearchStatus } from '../experiment/index.js';
export {
  byFidelity,
  keptOf,
  learningAccuracy,
  nextPromotion,
  nextRungToClose,
  pendingRungTraining,
  rungStandings,
} from './promotion.js';
export type { Promotion, RungClosing } from './promotion.js';
export { feasibleExtras, feasiblePanel } from './panel.js';
export type { FeasiblePanelOptions, PanelDesign } from './panel.js';
export { decideNext, rewardOf, stopReason, topK } from './decide.js';
export type { SearchCommand } from './decide.js';
export { runExperiment, startExperiment } from './loop.js';
export { jobIdOf, trainImagesOf } from './trainings.js';
export type { RunExperimentOptions } from './loop.js';
export { summarize } from './summary.js';
export type { SearchSummary, BestCandidate } from './summary.js';
export { oracleAccuracy, createOracleTrainer } from './oracle.js';
export type { OracleTrainerOptions } from './oracle.js';
export { paretoFront, dominates } from '../experiment/index.js';
export type { ParetoPoint } from '../experiment/index.js';
export { readModelZoo } from './zoo.js';
export type { ZooEntry } from './zoo.js';
export { resolveSpace } from './spaces.js';
export { createSearchRunner } from './runner.js';
export type { SearchRunner, SearchRunnerOptions } from './runner.js';
export { createHardwareEvaluator } from './hardwareAdapter.js';
export { createEngineTrainer } from './engineTrainer.js';
export type { EngineTrainerOptions } from './engineTrainer.js';
export { averageRanks, kendallTauB, spearmanRho } from './rankCorrelation.js';
export {
  fidelityExperimentConfig,
  fidelityExperimentId,
  fidelityExperimentIds,
  loggedPanel,
  parseStudyConfig,
  runStudy,
  studyPanel,
  StudyConfigSchema,
} from './fidelityStudy.js';
export type { FidelitySpec, RunStudyOptions, StudyConfig } from './fidelityStudy.js';
export { fidelityTable, formatFidelityTable, readExperimentScores } from './fidelityTable.js';
export type { FidelityExperiments, FidelityRow, FidelityTable } from './fidelityTable.js';
export { parseShard, shardPanel, shardSuffix } from './studyShard.js';
export type { Shard } from './studyShard.js';
