// Shared fixtures of the store contract suite: the backend fixture shape, event builders, subscription
// collection with a deadline, and running the compiled child process (dist/test/store/fixtures/storeChild.js).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExperimentConfigShape, newEvent, type NewEvent } from '../../src/events/index.js';
import type { EventStore, RecordedEvent, Subscription } from '../../src/store/index.js';

/** One isolated store target (a temp file, a fresh schema, a server) that can be opened several times. */
export interface StoreFixture {
  /** Opens another store instance (another connection) on the same target. */
  open(): Promise<EventStore>;
  /** URL a child process passes to createEventStore to reach the same target; absent: no process tests. */
  url?: string;
  /** Also race 8 child processes on one stream (worth it where one process cannot write concurrently). */
  processRace?: boolean;
  /** Removes the target (temp dir, schema). */
  cleanup(): Promise<void>;
}

export type StoreFixtureFactory = () => Promise<StoreFixture>;

export const meta = (experimentId: string) => ({ correlationId: experimentId, actor: 'test' });

export const started = (experimentId: string): NewEvent<'ExperimentStarted'> =>
  newEvent(
    'ExperimentStarted',
    {
      experimentId,
      name: `exp ${experimentId}`,
      config: ExperimentConfigShape.parse({ device: { maxLuts: 30000 } }),
      seed: 1,
    },
    meta(experimentId),
  );

export const reward = (experimentId: string, index: number): NewEvent<'RewardAssigned'> =>
  newEvent(
    'RewardAssigned',
    { experimentId, candidateId: `c${index}`, reward: index / 10, reason: 'trained' },
    meta(experimentId),
  );

/** Reads `count` events from a subscription, or fails after `timeoutMs`. */
export const collect = async (
  subscription: Subscription,
  count: number,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void subscription.close();
  }, timeoutMs);
  if (count > 0) {
    for await (const event of subscription) {
      out.push(event);
      if (out.length >= count) break;
    }
  }
  clearTimeout(timer);
  if (timedOut)
    throw new Error(`expected ${count} events from the subscription within ${timeoutMs} ms, but got ${out.length}`);
  return out;
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of the compiled child script; the tests need `npm run build` (npm test runs tsc first). */
export const childScript = (): string => {
  const script = join(repoRoot, 'dist', 'test', 'store', 'fixtures', 'storeChild.js');
  if (!existsSync(script))
    throw new Error(`expected the compiled child ${script}; run 'npm run build' before these tests`);
  return script;
};

export const spawnChild = (args: string[]): ChildProcess =>
  spawn(process.execPath, [childScript(), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a child to completion and returns its stdout; rejects with its stderr on a non-zero exit. */
export const runChild = (args: string[]): Promise<string> =>
  new Promise((resolvePromise, reject) => {
    const child = spawnChild(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolvePromise(stdout) : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });

/** Resolves when the child has printed a line matching `pattern`. */
export const waitForLine = (child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
  new Promise((resolvePromise, reject) => {
    let seen = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`child printed no line matching ${pattern} in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr}`)));
  });
