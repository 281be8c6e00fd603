// SIGKILL mid-search, restart, and the log equals an uninterrupted run's: no decision twice, none missing.
// Runs the compiled dist/ code in a child process (`npm test` runs tsc before vitest).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/index.js';
import { decisions, openStore, proposedAhead, tempStoreUrl } from './fixtures/harness.js';

const child = join(process.cwd(), 'dist/test/search/fixtures/resumeChild.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runChild = (url: string, killAfterEvents?: number, mode = 'plain'): Promise<string> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, url, 'resume', '15', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += String(d);
    });
    proc.stderr.on('data', (d) => {
      err += String(d);
    });
    proc.on('exit', (code, signal) =>
      signal === 'SIGKILL' || code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)),
    );
    if (killAfterEvents !== undefined) {
      void (async () => {
        const store = await openStore(url);
        for (;;) {
          const events = await store.readStream('experiment-resume').catch(() => []);
          if (events.length >= killAfterEvents) break;
          await sleep(5);
        }
        proc.kill('SIGKILL');
        await store.close();
      })();
    }
  });

/** An uninterrupted run and one SIGKILLed after each of `killAt` events and restarted; both logs, ids checked unique. */
const killedAndResumed = async (mode: string, killAt: number[]) => {
  const reference = tempStoreUrl();
  await runChild(reference, undefined, mode);
  const interrupted = tempStoreUrl();
  // The interrupted log as each kill left it.
  const atKills: RecordedEvent[][] = [];
  for (const at of killAt) {
    await runChild(interrupted, at, mode);
    const store = await openStore(interrupted);
    atKills.push(await store.readStream('experiment-resume'));
    await store.close();
  }
  const last = await runChild(interrupted, undefined, mode);
  const a = await openStore(reference);
  const b = await openStore(interrupted);
  const logA = await a.readStream('experiment-resume');
  const logB = await b.readStream('experiment-resume');
  await a.close();
  await b.close();
  expect(last).toContain('"status":"completed"');
  expect(new Set(logB.map((e) => e.id)).size).toBe(logB.length);
  return { logA, logB, atKills };
};

/** A kill landed while an episode proposed ahead was out: proposals past the episode after the last update. */
const killedAhead = (log: readonly RecordedEvent[]): boolean => {
  const learned = log.filter((e) => e.type === 'PolicyUpdated').length;
  const last = Math.max(
    -1,
    ...log.filter((e) => e.type === 'CandidateProposed').map((e) => (e.data as { index: number }).index),
  );
  return last >= (learned + 1) * 5;
};

describe.skipIf(!existsSync(child))('resume after SIGKILL', () => {
  it('rebuilds the controller from the log and ends with exactly the decisions of an uninterrupted run', async () => {
    // Kill at several points: inside the first episode, mid-training, and after a policy update.
    const { logA, logB } = await killedAndResumed('plain', [3, 14, 40, 61]);
    expect(logB.filter((e) => e.type === 'CandidateProposed')).toHaveLength(15);
    expect(logB.filter((e) => e.type === 'PolicyUpdated')).toHaveLength(3);
    expect(decisions(logB)).toEqual(decisions(logA));
  }, 120_000);

  it('resumes a panel experiment: the same designs in the same order, each once, as in an uninterrupted run', async () => {
    const { logA, logB } = await killedAndResumed('panel', [2, 9, 30]);
    const notes = logB.filter((e) => e.type === 'CandidateProposed').map((e) => (e.data as { note?: string }).note);
    expect(notes).toEqual(Array.from({ length: 15 }, (_, i) => `panel design d${i}`));
    expect(logB.find((e) => e.type === 'ExperimentCompleted')?.data).toMatchObject({
      reason: 'panel of 15 designs done',
    });
    expect(decisions(logB)).toEqual(decisions(logA));
  }, 120_000);

  it('resumes a pipelined search (workers, episodesAhead 1) with the decisions of an uninterrupted run', async () => {
    // Inside the first episode, with the second episode proposed ahead, and amid the rungs.
    const { logA, logB, atKills } = await killedAndResumed('pipelined', [4, 25, 60]);
    expect(logB.filter((e) => e.type === 'CandidateProposed')).toHaveLength(15);
    expect(proposedAhead(logA, 5)).toBeGreaterThan(0);
    expect(atKills.some(killedAhead)).toBe(true);
    // Who trained a job, and when it started, differ between runs; every decision must not.
    const decided = (log: typeof logA) =>
      decisions(log.filter((e) => !['TrainingStarted', 'EpochCompleted'].includes(e.type))).map((d) =>
        d.replace(/"workerId":"[^"]*",?/g, ''),
      );
    expect(decided(logB)).toEqual(decided(logA));
  }, 120_000);
});
