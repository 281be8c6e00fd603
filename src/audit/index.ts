// Public surface of audit: hash-chain verification, export/import bundles, "why this candidate", re-scoring,
// replay (read-only) and deterministic re-run. The api and cli import only from here.
export { readOnlyStore, readWholeStream, findInAll } from './readOnlyStore.js';
export type { ReadOnlyEventStore } from './readOnlyStore.js';
export { auditEvents } from './chainAudit.js';
export type { AuditFault, AuditFaultKind, ChainAuditResult } from './chainAudit.js';
export { auditExperiment } from './auditExperiment.js';
export type { AuditOptions, ExperimentAuditResult } from './auditExperiment.js';
export { auditAnchoring } from './anchorAudit.js';
export type { AnchorAuditInput, AnchorAuditResult } from './anchorAudit.js';
export { recomputeHash, recomputeOriginalHash } from './eventHash.js';
export { buildBundle, exportExperiment, readBundleFiles, signManifest, BUNDLE_FORMAT } from './bundle.js';
export type { BundleManifest, ExportOptions, ExportResult } from './bundle.js';
export { importBundle, verifyBundleEvents } from './importBundle.js';
export type { ImportOptions, ImportResult, ImportedOrigin } from './importBundle.js';
export { whyCandidate, explainCandidate } from './why.js';
export type { WhyResult, WhyStep } from './why.js';
export { replayExperiment, replayEvents, parseReplayUntil } from './replay.js';
export type { ControllerRebuild, ExperimentReplayResult, ReplayOptions, ReplayUntil } from './replay.js';
export type { ReplayCandidate, ReplayStatus, TimelinePoint } from './replayState.js';
export { rescoreExperiment } from './rescore.js';
export type {
  RescoreConstraints,
  ResolvedRescoreConstraints,
  RescoreEvaluation,
  RescoreEvaluator,
  RescoreOptions,
  RescoreResult,
  RescoredCandidate,
} from './rescore.js';
export { syntheticExperiment } from './syntheticExperiment.js';
export type { SyntheticExperimentOptions } from './syntheticExperiment.js';
export { createHardwareRescoreEvaluator } from './hardwareRescore.js';
export type { HardwareRescoreOptions } from './hardwareRescore.js';
export { rerunExperiment, compareDecisions, decisionsOf } from './rerun.js';
export type { RerunDivergence, RerunOptions, RerunResult } from './rerun.js';
export { createRecordedPorts } from './recordedPorts.js';
export type { RecordedResults } from './recordedPorts.js';
export { searchControllerRebuild } from './controllerRebuild.js';
export type { ControllerSummary } from './controllerRebuild.js';
export { reportRows, reportSeedOf, reportMarkdown, reportPoints } from './reportRows.js';
export type { ReportRow, ReportSeed } from './reportRows.js';
export { reportSvg } from './reportPlot.js';
export type { PlotPoint } from './reportPlot.js';
