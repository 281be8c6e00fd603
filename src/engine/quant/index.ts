// Public surface of quantization-aware training: STE fake quantizers and the per-layer quantizers.
export { pactQuantize, steQuantize, steQuantizeCalibrated, steSign } from './fakeQuant.js';
export { FUSED_QUANT_BACKENDS, fusedQuantKernelConfigs, registerFusedQuantKernels } from './fusedKernels.js';
export { needsPactAlpha, PACT_ALPHA_INIT, quantizeActivations, quantizeWeights } from './layerQuant.js';
