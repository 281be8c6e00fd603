// Which errors are ours: only our classes carry a trusted `code`. A Node system error or a plain object with a code
// string is someone else's error, and the CLI classifies it by its errno (test/cli/failure.test.ts).
import { describe, expect, it } from 'vitest';
import { CosearchError, hasErrorCode, isCosearchError } from '../src/errors.js';
import { HardwareError } from '../src/hardware/index.js';
import { SpaceError } from '../src/space/index.js';
import { WrongExpectedRevisionError } from '../src/store/index.js';

describe('isCosearchError', () => {
  it('accepts our error classes', () => {
    expect(isCosearchError(new CosearchError('NOT_FOUND', 'no experiment e1'))).toBe(true);
    expect(isCosearchError(new WrongExpectedRevisionError('experiment-e1', 3, 4))).toBe(true);
    expect(isCosearchError(new SpaceError('invalid candidate'))).toBe(true);
    expect(isCosearchError(new HardwareError('CONSTRAINT_VIOLATED', 'no folding reaches 1293 img/s'))).toBe(true);
  });

  it("rejects another library's error that happens to carry a code and a message", () => {
    const listen = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4000'), {
      code: 'EADDRINUSE',
    });
    expect(isCosearchError(listen)).toBe(false);
    expect(isCosearchError({ code: 'BAD_USER_INPUT', message: 'looks like ours' })).toBe(false);
    expect(isCosearchError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isCosearchError('BAD_USER_INPUT')).toBe(false);
    expect(isCosearchError(null)).toBe(false);
  });

  it('hasErrorCode matches only our errors with that code', () => {
    expect(hasErrorCode(new CosearchError('CONFLICT', 'moved'), 'CONFLICT')).toBe(true);
    expect(hasErrorCode(new CosearchError('CONFLICT', 'moved'), 'NOT_FOUND')).toBe(false);
    expect(hasErrorCode({ code: 'CONFLICT', message: 'plain object' }, 'CONFLICT')).toBe(false);
  });
});
