// The built `cosearch` as a process (issue 19, findings 5 and 6): serve exits 0 on SIGTERM after draining, and each
// failure prints its cause in one line, without help text or a stack trace, with exit 2 for bad input and 1 for an
// environment failure (a taken port, a corrupt store file); --verbose adds the stack.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newEvent } from '../../../src/events/index.js';
import { startExperiment } from '../../../src/search/index.js';
import { SqliteEventStore } from '../../../src/store/index.js';

const run = promisify(execFile);
const main = join(process.cwd(), 'dist/src/cli/main.js');
const quick = join(process.cwd(), 'examples/quick.json');

/** Runs the CLI and resolves with its exit code and output, whatever the code. */
const cli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run('node', [main, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

/** stderr without pino's JSON log lines. */
const messages = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));

/** Starts `cosearch serve` on a free port and resolves once it prints its URL. */
const serve = (
  dataDir: string,
  extra: string[] = [],
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> =>
  new Promise((resolve, reject) => {
    const child = spawn('node', [main, 'serve', '--port', '0', '--data-dir', dataDir, '--no-search', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /cosearch API at (\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve({ child, url, exited });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${String(code)} before listening: ${out}`)));
  });

describe('cosearch as a process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cosearch-exits-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serve drains and exits 0 on SIGTERM', async () => {
    const { child, url, exited } = await serve(join(dir, 'data'));
    const health = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(((await health.json()) as { data: unknown }).data).toEqual({ health: { status: 'ok' } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('serve on a port already in use exits 1 with one line naming the port', async () => {
    const first = await serve(join(dir, 'a'));
    try {
      const port = new URL(first.url).port;
      const result = await cli(['serve', '--port', port, '--data-dir', join(dir, 'b'), '--no-search']);
      expect(result.code).toBe(1);
      expect(messages(result.stderr)).toEqual([
        expect.stringMatching(new RegExp(`^error INTERNAL: port ${port} on 127.0.0.1 is already in use`)),
      ]);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('serve --host without tokens exits 2 with the refusal as its only line, not after the help text', async () => {
    const result = await cli(['serve', '--host', '--data-dir', join(dir, 'data'), '--no-search']);
    expect(result.code).toBe(2);
    expect(messages(result.stderr)).toEqual([
      expect.stringMatching(/^error BAD_USER_INPUT: refusing to listen on 0\.0\.0\.0 without tokens/),
    ]);
  });

  it.each([
    [
      ['--read-threads', '-1'],
      /^error BAD_USER_INPUT: --read-threads \(or COSEARCH_READ_THREADS\) must be an integer >= 0, but got -1$/,
    ],
    [
      ['--workers', '1.5'],
      /^error BAD_USER_INPUT: --workers \(or COSEARCH_WORKERS\) must be an integer >= 0, but got 1\.5$/,
    ],
    [
      ['--port', '70000'],
      /^error BAD_USER_INPUT: --port \(or COSEARCH_PORT\) must be an integer 0\.\.65535, but got 70000$/,
    ],
  ])('serve %j exits 2 with the cause as its only line', async (flags, line) => {
    const result = await cli(['serve', ...flags, '--data-dir', join(dir, 'data'), '--no-search']);
    expect(result.code).toBe(2);
    expect(messages(result.stderr)).toEqual([expect.stringMatching(line)]);
  });

  it('search on a corrupt SQLite file exits 1 naming the file, without help or stack; --verbose adds the stack', async () => {
    const file = join(dir, 'corrupt.db');
    await writeFile(file, Buffer.alloc(8192, 7));
    const result = await cli(['search', '--config', quick, '--oracle', '--store', `sqlite:${file}`]);
    expect(result.code).toBe(1);
    expect(messages(result.stderr)).toEqual([
      `error INTERNAL: cannot open the SQLite store ${file}: file is not a database (SQLITE_NOTADB). ` +
        'Point --store or COSEARCH_STORE at a cosearch store, or move the file away to start a new one.',
    ]);
    expect(result.stdout).not.toContain('Options:');
    const verbose = await cli(['search', '--config', quick, '--oracle', '--store', `sqlite:${file}`, '--verbose']);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('dataset prepare on a truncated .tar.gz exits 2 naming the file', async () => {
    const archive = join(dir, 'cut.tar.gz');
    await writeFile(archive, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02]));
    const result = await cli(['dataset', 'prepare', '--data', archive, '--data-dir', join(dir, 'cache')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`expected ${archive} to be a complete .tar.gz or .tar archive`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown flag exits 2 with one line and no help text', async () => {
    const result = await cli(['hw', '--candidate', 'x.json', '--bogus']);
    expect(result.code).toBe(2);
    expect(messages(result.stderr)).toEqual(['error BAD_USER_INPUT: Unknown argument: bogus (see cosearch --help)']);
  });

  it('the summary of a failed search says why it failed', async () => {
    const file = join(dir, 'failed.db');
    const store = new SqliteEventStore(file);
    const experimentId = '71111111-2222-4333-8444-555555555555';
    await startExperiment(store, { name: 'quick' }, { experimentId, actor: 'test' });
    await store.append(
      `experiment-${experimentId}`,
      [
        newEvent(
          'ExperimentFailed',
          { experimentId, error: { code: 'INTERNAL', message: 'SQLITE_FULL: database or disk is full' } },
          { correlationId: experimentId, actor: 'test' },
        ),
      ],
      'any',
    );
    await store.close();
    const result = await cli([
      'search',
      '--config',
      quick,
      '--oracle',
      '--store',
      `sqlite:${file}`,
      '--experiment-id',
      experimentId,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('reason: INTERNAL: SQLITE_FULL: database or disk is full');
  });
});
