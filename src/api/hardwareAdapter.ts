// The hardware model (src/hardware) and candidate validation (src/space) behind the API's HardwareService port.
import { checkHardware, DEVICE_PRESETS, resolveDevice } from '../hardware/index.js';
import { validateCandidate } from '../space/index.js';
import type { HardwareService } from './context.js';

export const createHardwareService = (): HardwareService => ({
  devices: () => Object.keys(DEVICE_PRESETS),
  estimate: (candidate, device, constraints) => {
    const result = checkHardware(validateCandidate(candidate), resolveDevice(device), {
      ...(constraints.maxLuts === undefined ? {} : { maxLuts: constraints.maxLuts }),
      ...(constraints.minFps === undefined ? {} : { minFps: constraints.minFps }),
    });
    return {
      device: result.device,
      luts: result.luts,
      throughputFps: result.throughputFps,
      latencyMs: result.latencyMs,
      feasible: result.feasible,
      violations: result.violations.map(({ constraint, limit, actual }) => ({ constraint, limit, actual })),
      layers: result.layers,
    };
  },
});
