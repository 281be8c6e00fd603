// The one place src/search imports the space module from, so a change of its public surface touches one file.
export {
  createActionSpace,
  createRng,
  SPACE_PRESETS,
  resolveSearchSpace,
  validateCandidate,
  candidateHash,
  candidateIssues,
  canonicalJson,
  inferShapes,
  isSpaceError,
} from '../space/index.js';
export type {
  ActionDim,
  ActionSpace,
  Rng,
  RngState,
  SearchActionSpace,
  SearchSpace,
  QuantSpace,
  Candidate,
} from '../space/index.js';
