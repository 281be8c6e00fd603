// Bearer-token authentication and the role ladder viewer < operator < admin. Tokens are configured by file or
// environment variable and kept only as sha256 hashes; a plain token never touches disk or memory beyond a request.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CosearchError } from '../errors.js';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Who is calling: the token's subject (recorded as the `actor` of events) and its role. */
export interface Principal {
  subject: string;
  role: Role;
}

/** One configured token, as stored: never the token itself, only its sha256 hex. */
export interface TokenEntry {
  subject: string;
  role: Role;
  sha256: string;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A fresh random token (32 bytes, base64url) and the line to put in a tokens file for it. */
export const createToken = (subject: string, role: Role): { token: string; entry: TokenEntry; line: string } => {
  const token = `cos_${randomBytes(32).toString('base64url')}`;
  const entry = { subject, role, sha256: hashToken(token) };
  return { token, entry, line: `${subject}:${role}:${entry.sha256}` };
};

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

const parseEntry = (subject: unknown, role: unknown, sha256: unknown, where: string): TokenEntry => {
  if (typeof subject !== 'string' || subject === '') {
    throw new CosearchError('BAD_USER_INPUT', `${where}: expected a non-empty subject, got ${JSON.stringify(subject)}`);
  }
  if (!isRole(role)) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `${where}: expected role viewer|operator|admin, got ${JSON.stringify(role)}`,
    );
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `${where}: expected a 64-hex sha256 of the token, got ${JSON.stringify(sha256)}; make one with \`cosearch token hash <token>\``,
    );
  }
  return { subject, role, sha256 };
};

/**
 * Parses a token list: either a JSON array of `{subject, role, sha256}` or lines/commas of `subject:role:sha256`.
 * Blank lines and `#` comments are ignored.
 */
export const parseTokens = (text: string, source: string): TokenEntry[] => {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new CosearchError('BAD_USER_INPUT', `${source}: expected a JSON array`);
    return parsed.map((item: unknown, i) => {
      const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      return parseEntry(record['subject'], record['role'], record['sha256'], `${source}[${i}]`);
    });
  }
  return trimmed
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, i) => {
      const [subject, role, sha256] = line.split(':');
      return parseEntry(subject, role, sha256, `${source} entry ${i + 1}`);
    });
};

/** Tokens from COSEARCH_TOKENS_FILE (a path) and COSEARCH_TOKENS (the list itself), merged. */
export const loadTokens = (env: NodeJS.ProcessEnv = process.env): TokenEntry[] => {
  const tokens: TokenEntry[] = [];
  const file = env['COSEARCH_TOKENS_FILE'];
  if (file !== undefined && file !== '') tokens.push(...parseTokens(readFileSync(file, 'utf8'), file));
  const inline = env['COSEARCH_TOKENS'];
  if (inline !== undefined && inline !== '') tokens.push(...parseTokens(inline, 'COSEARCH_TOKENS'));
  return tokens;
};

export interface AuthenticatorOptions {
  tokens: TokenEntry[];
  /**
   * Every caller without a token is `local` with the admin role; a caller with an unknown token is still rejected.
   * Only for an unconfigured loopback install.
   */
  open: boolean;
}

/** Turns a presented token (or none) into a principal; null means anonymous. An unknown token is UNAUTHENTICATED. */
export type Authenticator = (token: string | undefined) => Principal | null;

export const createAuthenticator = ({ tokens, open }: AuthenticatorOptions): Authenticator => {
  const byHash = new Map(tokens.map((entry) => [entry.sha256, entry]));
  return (token) => {
    if (token === undefined || token === '') return open ? { subject: 'local', role: 'admin' } : null;
    const entry = byHash.get(hashToken(token));
    // Never guess, in open mode too: a caller that presents a token it thinks is valid must learn that it is not.
    if (entry === undefined) {
      throw new CosearchError(
        'UNAUTHENTICATED',
        open
          ? 'this server has no tokens configured, so it knows no bearer token; send none (a local caller is admin) or configure COSEARCH_TOKENS(_FILE)'
          : 'the bearer token is not known to this server; check COSEARCH_TOKENS(_FILE)',
      );
    }
    return { subject: entry.subject, role: entry.role };
  };
};

/**
 * The credential of an `Authorization` header: the token of `Bearer <token>`, undefined without a header, and
 * UNAUTHENTICATED for any other header (e.g. `Basic …`), which is a credential this server cannot check.
 */
export const credentialOf = (header: string | undefined): string | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const token = bearerToken(header);
  if (token === undefined) {
    throw new CosearchError(
      'UNAUTHENTICATED',
      `expected an Authorization header of the form "Bearer <token>", but got the scheme '${header.trim().split(/\s+/)[0]?.slice(0, 20) ?? ''}'`,
    );
  }
  return token;
};

/** `Authorization: Bearer <token>` → the token, or undefined. */
export const bearerToken = (header: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
};

/** Throws UNAUTHENTICATED without a principal and FORBIDDEN when its role ranks below `role`. */
export const assertRole = (principal: Principal | null, role: Role): Principal => {
  if (principal === null) {
    throw new CosearchError(
      'UNAUTHENTICATED',
      `this operation needs a ${role} token: send "Authorization: Bearer <token>" (HTTP) or connectionParams.authToken (WebSocket)`,
    );
  }
  if (RANK[principal.role] < RANK[role]) {
    throw new CosearchError(
      'FORBIDDEN',
      `this operation needs the ${role} role, but token subject '${principal.subject}' has ${principal.role}`,
    );
  }
  return principal;
};

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
