// Parses docker-compose.yml (there is no Docker engine here) and checks its services, ports, env and build; and,
// where a Compose CLI is installed (`.ci/run` installs Debian's docker-compose), has `config` validate it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('defines KurrentDB, PostgreSQL, the cosearch service and its scalable training workers', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['cosearch', 'kurrentdb', 'postgres', 'worker']);
    const worker = compose.services.worker as Service & { command?: string[] };
    expect(worker.command).toEqual(['node', 'dist/src/cli/main.js', 'worker']);
    expect(worker.image).toBe(compose.services.cosearch?.image);
    expect(worker.ports).toBeUndefined();
    expect(worker.environment?.COSEARCH_STORE).toBe(compose.services.cosearch?.environment?.COSEARCH_STORE);
    expect(compose.services.cosearch?.environment?.COSEARCH_WORKERS).toBe('0');
    expect(compose.services.kurrentdb?.image).toMatch(/kurrentdb/);
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
  });

  it('publishes 2113 for KurrentDB, 5432 for PostgreSQL and 4000 for the API', () => {
    expect(compose.services.kurrentdb?.ports).toContain('2113:2113');
    expect(compose.services.postgres?.ports).toContain('5432:5432');
    expect(compose.services.cosearch?.ports).toContain('4000:4000');
  });

  it('configures the service through COSEARCH_* variables and waits for healthy stores', () => {
    const service = compose.services.cosearch;
    const env = service?.environment ?? {};
    for (const name of [
      'COSEARCH_STORE',
      'COSEARCH_DATA_DIR',
      'COSEARCH_HOST',
      'COSEARCH_PORT',
      'COSEARCH_TOKENS',
      'KURRENTDB_URL',
    ]) {
      expect(env, name).toHaveProperty(name);
    }
    expect(env.COSEARCH_STORE).toContain('postgres://cosearch:cosearch@postgres:5432/cosearch');
    expect(env.KURRENTDB_URL).toBe('kurrentdb://kurrentdb:2113?tls=false');
    expect(env.COSEARCH_HOST).toBe('0.0.0.0');
    expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(service?.depends_on?.kurrentdb?.condition).toBe('service_healthy');
    for (const name of ['kurrentdb', 'postgres'])
      expect(compose.services[name]?.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('builds the service from a Dockerfile that exists and runs `cosearch serve`', () => {
    const build = compose.services.cosearch?.build;
    expect(build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('"serve"');
    expect(dockerfile).toMatch(/EXPOSE 4000/);
    expect(existsSync(new URL('../migrations/postgres', import.meta.url))).toBe(true);
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0] ?? '')
      .filter((source) => /^[a-z][a-z0-9-]*$/.test(source));
    for (const volume of named) expect(compose.volumes).toHaveProperty(volume);
  });
});

/** A Compose CLI that validates without an engine: the v2 plugin (`docker compose`) or v1 (`docker-compose`). */
const composeCli = ((): string[] | undefined => {
  for (const cli of [['docker', 'compose'], ['docker-compose']]) {
    const [command = '', ...args] = cli;
    if (spawnSync(command, [...args, 'version'], { encoding: 'utf8' }).status === 0) return cli;
  }
  return undefined;
})();
if (composeCli === undefined)
  console.warn(
    'docker-compose.yml: no Compose CLI found (docker compose / docker-compose); the `config` validation is skipped',
  );

describe.skipIf(composeCli === undefined)('docker-compose.yml through `compose config`', () => {
  const [command = '', ...prefix] = composeCli ?? [];
  const config = (file: string, env: Record<string, string>) =>
    spawnSync(
      command,
      [...prefix, '-f', file, '--project-directory', new URL('..', import.meta.url).pathname, 'config', '-q'],
      {
        encoding: 'utf8',
        env: { ...process.env, COSEARCH_TOKENS: '', ...env },
      },
    );

  it('accepts the file once COSEARCH_TOKENS is set, and refuses to start without it', () => {
    const file = new URL('../docker-compose.yml', import.meta.url).pathname;
    const valid = config(file, { COSEARCH_TOKENS: 'alice:admin:00' });
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    const missing = config(file, { COSEARCH_TOKENS: '' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set COSEARCH_TOKENS');
  });

  it('rejects a broken copy (so the check above can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosearch-compose-'));
    try {
      const broken = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8').replace(
        'condition: service_healthy',
        'condition: when_ready',
      );
      writeFileSync(join(dir, 'docker-compose.yml'), broken);
      const result = config(join(dir, 'docker-compose.yml'), { COSEARCH_TOKENS: 'alice:admin:00' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('condition');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
