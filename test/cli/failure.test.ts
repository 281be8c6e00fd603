// The CLI's one exit-code rule (src/cli/failure.ts): 2 for bad input, 1 for an environment failure, one line each.
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/failure.js';
import { CosearchError } from '../../src/errors.js';
import { SpaceError } from '../../src/space/index.js';

const systemError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('describeFailure', () => {
  it('our bad-input errors exit 2, our internal errors exit 1', () => {
    expect(describeFailure(new CosearchError('BAD_USER_INPUT', 'expected --epochs ≥ 1'))).toEqual({
      exitCode: 2,
      line: 'error BAD_USER_INPUT: expected --epochs ≥ 1',
    });
    expect(describeFailure(new SpaceError('invalid candidate: layers[0].weightBits: out of range'))).toEqual({
      exitCode: 2,
      line: 'error BAD_USER_INPUT: invalid candidate: layers[0].weightBits: out of range',
    });
    expect(describeFailure(new CosearchError('INTERNAL', 'fold failed')).exitCode).toBe(1);
  });

  it('a taken port or a full disk is an environment failure (exit 1) with a hint, not bad input', () => {
    expect(describeFailure(systemError('EADDRINUSE', 'listen EADDRINUSE: address already in use :::4000'))).toEqual({
      exitCode: 1,
      line: 'error EADDRINUSE: listen EADDRINUSE: address already in use :::4000 (the address is already in use; stop the other process or pick another --port)',
    });
    const full = describeFailure(systemError('SQLITE_FULL', 'database or disk is full'));
    expect(full.exitCode).toBe(1);
    expect(full.line).toMatch(/^error SQLITE_FULL: database or disk is full \(the database or disk is full; /);
    expect(describeFailure(systemError('ENOSPC', 'no space left on device, write')).exitCode).toBe(1);
  });

  it('a missing file or a truncated archive named by the user is bad input (exit 2)', () => {
    expect(describeFailure(systemError('ENOENT', "no such file or directory, open 'x.json'"))).toEqual({
      exitCode: 2,
      line: "error BAD_USER_INPUT: no such file or directory, open 'x.json'",
    });
    expect(describeFailure(systemError('Z_DATA_ERROR', 'incorrect header check'))).toEqual({
      exitCode: 2,
      line: 'error BAD_USER_INPUT: the archive is truncated or not a .tar.gz (Z_DATA_ERROR: incorrect header check)',
    });
  });
});
