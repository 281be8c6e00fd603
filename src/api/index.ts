// Public surface of the GraphQL API: the server factory, the schema, tokens and the ports it is wired with.
export { createApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export { buildApiSchema, printApiSchema } from './schema.js';
export { createAuthenticator, createToken, hashToken, isLoopback, loadTokens, parseTokens, ROLES } from './auth.js';
export type { Principal, Role, TokenEntry } from './auth.js';
export { adaptConfigParser, parseConfigMinimal } from './config.js';
export { createHardwareService } from './hardwareAdapter.js';
export { createReadModelsAdapter } from './readModelsAdapter.js';
export { DEFAULT_LIMITS } from './limits.js';
export { createReadThreads } from './readThreads.js';
export type { ReadThreadsOptions } from './readThreads.js';
export { inlineStreamReads } from './streamReads.js';
export type { StreamReads } from './streamReads.js';
export type { ApiLimits } from './limits.js';
export type {
  CandidateQuery,
  HardwareConstraints,
  HardwareService,
  Page,
  PageRequest,
  ParsedExperimentConfig,
  ReadModels,
} from './context.js';
export { Candidate, Experiment, ExperimentStatus, HardwareReport } from './types/experiment.js';
export { defaultWebRoot, loadWebAssets } from './webAssets.js';
export type { WebAsset } from './webAssets.js';
