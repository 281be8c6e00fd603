// The hardware module's own error type (it imports nothing of ours): `code` is the shared GraphQL error code.

export type HardwareErrorCode = 'BAD_USER_INPUT' | 'CONSTRAINT_VIOLATED';

/** Thrown for unknown devices, bad budgets and impossible folding targets; src/errors.ts's isCosearchError knows it. */
export class HardwareError extends Error {
  readonly code: HardwareErrorCode;

  constructor(code: HardwareErrorCode, message: string) {
    super(message);
    this.name = 'HardwareError';
    this.code = code;
  }
}
