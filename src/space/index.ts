// Public API of the search space module: the candidate format, spaces and presets, action encoding, validation,
// hashing, shapes and the seeded PRNG. Pure: imports nothing of ours, does no I/O.
export { CIFAR10_INPUT } from './candidate.js';
export type {
  Candidate,
  ConvLayer,
  DenseLayer,
  InputSpec,
  Layer,
  LayerFolding,
  LayerQuant,
  MaxPool,
} from './candidate.js';
export { SpaceError, isSpaceError } from './spaceError.js';
export type { SpaceIssue } from './spaceError.js';
export { createRng } from './rng.js';
export type { Rng, RngState } from './rng.js';
export {
  FINN_SPACE,
  QNAS_AUTO_SPACE,
  QNAS_CONSTRAINED_AUTO_SPACE,
  QNAS_CONSTRAINED_SPACE,
  QNAS_RULES,
  QNAS_SPACE,
  QUICK_SPACE,
  SPACE_PRESETS,
  allowedActivationBits,
  allowedWeightBits,
} from './searchSpace.js';
export type { ConvChoices, FoldingSpace, QuantSpace, SearchSpace } from './searchSpace.js';
export { parseSearchSpace, resolveSearchSpace } from './parseSpace.js';
export type { DesignRules } from './designRules.js';
export { convOutputSize, inferShapes, poolOutputSize } from './shapes.js';
export type { LayerShape, NetworkShape } from './shapes.js';
export { candidateIssues, isValidCandidate, validateCandidate } from './validateCandidate.js';
export { createActionSpace } from './actionSpace.js';
export type { ActionDim, ActionSpace, ActionSpaceExtras, SearchActionSpace } from './actionSpace.js';
export { sampleActions, sampleCandidate } from './sample.js';
export { canonicalJson, candidateHash } from './hash.js';
