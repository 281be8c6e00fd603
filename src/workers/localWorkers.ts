// Local worker processes: `cosearch search` and `cosearch serve` start `cosearch worker` children on the same store,
// by default one process with a training thread per core (threads share one copy of the dataset, which scaled
// better than one process per core: docs/workers.md). Remote workers on the store join them.
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { compiledEntry } from '../compiledEntry.js';
import { CosearchError } from '../errors.js';

/** Options of startLocalWorkers. */
export interface LocalWorkersOptions {
  /** Worker processes to start. */
  count: number;
  /** Training threads of each (`cosearch worker --threads`). @default 1 */
  threads?: number;
  /** The store every worker opens; must be reachable from another process (not `sqlite::memory:`). */
  storeUrl: string;
  /** More `cosearch worker` flags, e.g. ['--data', dir, '--lease-seconds', '10']. */
  args?: string[];
  /** Each child's stdout and stderr lines. @default dropped */
  onLine?: (workerId: string, line: string) => void;
  /** A child that exited before stop(), with its exit code and its last lines (e.g. why it could not start). */
  onExit?: (workerId: string, code: number | null, lastLines: string[]) => void;
}

export interface LocalWorkers {
  readonly ids: readonly string[];
  /** Sends SIGTERM (each hands its job back), waits up to `graceMs` (default 10000), then SIGKILLs the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** The compiled CLI entry (dist/src/cli/main.js). */
const cliEntry = (): string => compiledEntry(import.meta.url, 'cli/main.js', 'CLI');

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });

/** Starts `count` worker processes named `<host>-<pid>-w<k>`. */
export const startLocalWorkers = (options: LocalWorkersOptions): LocalWorkers => {
  if (options.storeUrl.includes(':memory:')) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `expected a store other processes can open, but got '${options.storeUrl}'; use a sqlite file or postgres:// URL, or --workers 0 --dispatch local`,
    );
  }
  const entry = cliEntry();
  const children: Array<{ id: string; child: ChildProcess }> = [];
  let stopping = false;
  for (let k = 1; k <= options.count; k++) {
    const id = `${hostname()}-${process.pid}-w${k}`;
    const child = spawn(
      process.execPath,
      [
        entry,
        'worker',
        '--store',
        options.storeUrl,
        '--id',
        id,
        '--threads',
        String(options.threads ?? 1),
        ...(options.args ?? []),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const last: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') continue;
          last.push(line);
          if (last.length > 20) last.shift();
          options.onLine?.(id, line);
        }
      });
    }
    child.once('exit', (code) => {
      if (!stopping) options.onExit?.(id, code, [...last]);
    });
    children.push({ id, child });
  }
  return {
    ids: children.map((c) => c.id),
    async stop(graceMs = 10_000) {
      stopping = true;
      for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
      }, graceMs);
      await Promise.all(children.map(({ child }) => exited(child)));
      clearTimeout(timer);
    },
  };
};
