// Public API of the analytical FPGA cost model: device presets, evaluation, constraint check and auto-folding.
// Pure: no I/O; imports only types from src/space.
export {
  DEFAULT_COEFFICIENTS,
  DEVICE_PRESETS,
  FITTED_COEFFICIENTS,
  LUT30K,
  ZU3EG,
  ZYNQ7020,
  ZYNQ7045,
} from './devices.js';
export type { CostCoefficients, DevicePreset } from './devices.js';
export { HardwareError } from './hardwareError.js';
export type { HardwareErrorCode } from './hardwareError.js';
export { accumulatorBits, adderTreeGrowth, bram36For, multiplierLuts, productBits } from './lutModel.js';
export { parsePublishedDesigns } from './publishedDesign.js';
export type { DesignSource, LutScope, PublishedDesign } from './publishedDesign.js';
export {
  designLuts,
  fitCoefficients,
  fitLayerFifoBram36,
  validateLeaveOneOut,
  validationViolations,
  VALIDATION_BOUNDS,
} from './leaveOneOut.js';
export type {
  LinearCoefficient,
  ValidationBounds,
  ValidationResult,
  ValidationRow,
  ValidationViolation,
} from './leaveOneOut.js';
export { estimateHardware, evaluateHardware } from './evaluate.js';
export type { HardwareResult, HardwareTotals, LayerCost } from './evaluate.js';
export { assertBudget, checkConstraints, checkHardware, isFeasible } from './constraints.js';
export type {
  ConstraintCheckResult,
  ConstraintName,
  ConstraintViolation,
  HardwareBudget,
  HardwareCheckResult,
} from './constraints.js';
export { autoFold } from './autoFold.js';
export type { AutoFoldOptions, AutoFoldResult } from './autoFold.js';
export { resolveDevice } from './resolveDevice.js';
