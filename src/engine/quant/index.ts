// Public surface of quantization-aware training: STE fake quantizers and the per-layer quantizers.
export { pactQuantize, steQuantize, steSign } from './fakeQuant.js';
export { needsPactAlpha, PACT_ALPHA_INIT, quantizeActivations, quantizeWeights } from './layerQuant.js';
