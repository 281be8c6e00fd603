// Pure tests of token parsing, hashing, authentication and the role ladder.
import { describe, expect, it } from 'vitest';
import {
  assertRole,
  bearerToken,
  createAuthenticator,
  createToken,
  hashToken,
  isLoopback,
  parseTokens,
} from '../../src/api/auth.js';

describe('tokens', () => {
  const sha = hashToken('secret');

  it('parses lines, commas and JSON arrays of subject:role:sha256', () => {
    expect(parseTokens(`# ops\nalice:operator:${sha}\n\nbob:viewer:${sha}`, 'file')).toHaveLength(2);
    expect(parseTokens(`alice:admin:${sha},bob:viewer:${sha}`, 'env')).toHaveLength(2);
    expect(parseTokens(JSON.stringify([{ subject: 'alice', role: 'viewer', sha256: sha }]), 'json')).toEqual([
      { subject: 'alice', role: 'viewer', sha256: sha },
    ]);
  });

  it('rejects an unknown role and a token stored in plain text with BAD_USER_INPUT', () => {
    expect(() => parseTokens(`alice:root:${sha}`, 'env')).toThrow(/viewer\|operator\|admin/);
    expect(() => parseTokens('alice:viewer:secret', 'env')).toThrow(/sha256/);
  });

  it('creates a token whose hash is the stored entry', () => {
    const { token, entry, line } = createToken('carol', 'operator');
    expect(entry.sha256).toBe(hashToken(token));
    expect(parseTokens(line, 'line')).toEqual([entry]);
  });

  it('authenticates known tokens, rejects unknown ones, and treats no token as anonymous', () => {
    const authenticate = createAuthenticator({
      tokens: [{ subject: 'alice', role: 'operator', sha256: sha }],
      open: false,
    });
    expect(authenticate('secret')).toEqual({ subject: 'alice', role: 'operator' });
    expect(authenticate(undefined)).toBeNull();
    expect(() => authenticate('guess')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('makes a caller without a token a local admin on an open server, and rejects an unknown token there too', () => {
    const authenticate = createAuthenticator({ tokens: [], open: true });
    expect(authenticate(undefined)).toEqual({ subject: 'local', role: 'admin' });
    expect(() => authenticate('guess')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('orders roles viewer < operator < admin', () => {
    expect(() => assertRole(null, 'viewer')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => assertRole({ subject: 'v', role: 'viewer' }, 'operator')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(assertRole({ subject: 'a', role: 'admin' }, 'operator')).toEqual({ subject: 'a', role: 'admin' });
  });

  it('reads bearer tokens and recognizes loopback hosts', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
  });
});
