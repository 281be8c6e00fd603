// Device lookup by preset name, with an error that lists the known presets.
import { DEVICE_PRESETS, type DevicePreset } from './devices.js';
import { HardwareError } from './hardwareError.js';

/** The device preset called `name` (zynq7020, 30k, zu3eg, zc706). Throws HardwareError (BAD_USER_INPUT) otherwise. */
export const resolveDevice = (name: string): DevicePreset => {
  const device = DEVICE_PRESETS[name];
  if (!device)
    throw new HardwareError(
      'BAD_USER_INPUT',
      `expects a device among ${Object.keys(DEVICE_PRESETS).join(', ')}, but got '${name}'`,
    );
  return device;
};
