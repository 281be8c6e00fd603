// Successive halving end to end on a real SQLite file with the oracle: every controller runs it, every promotion
// and rung closing is an event that follows the rule, the same seed gives the same promotions, and a SIGKILL in
// the middle of a rung resumes to exactly the decisions of an uninterrupted run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/index.js';
import { ashaConfig, decisions, openStore, runOracle, tempStoreUrl } from './fixtures/harness.js';

const runAsha = async (kind: Parameters<typeof ashaConfig>[0], seed = 7): Promise<RecordedEvent[]> => {
  const store = await openStore(tempStoreUrl());
  const summary = await runOracle(store, 'mf', ashaConfig(kind, seed));
  expect(summary.status).toBe('completed');
  const log = await store.readStream('experiment-mf');
  await store.close();
  return log;
};
const dataOf = <T>(log: readonly RecordedEvent[], type: string): T[] =>
  log.filter((e) => e.type === type).map((e) => e.data as T);

interface Promoted {
  candidateId: string;
  fromRung: number;
  toRung: number;
  score: number;
  cutoff: number;
  rank: number;
  rungSize: number;
}

describe('multi-fidelity search', () => {
  for (const kind of ['rl', 'random', 'evolution', 'hotstart', 'separate'] as const) {
    it(`promotes the top half of each rung as decision events, trains each promotion at its rung, and repeats for the same seed (${kind})`, async () => {
      const log = await runAsha(kind);
      const promotions = dataOf<Promoted>(log, 'CandidatePromoted');
      expect(promotions.length).toBeGreaterThan(0);
      expect(promotions.some((p) => p.toRung === 2)).toBe(true);
      for (const p of promotions) {
        expect(p.rank).toBeLessThanOrEqual(Math.floor(p.rungSize / 2));
        expect(p.score).toBeGreaterThanOrEqual(p.cutoff);
        const trained = dataOf<{ candidateId: string; rung?: number; epochs: number }>(log, 'CandidateTrained').filter(
          (t) => t.candidateId === p.candidateId && t.rung === p.toRung,
        );
        expect(trained).toHaveLength(1);
        expect(trained[0]?.epochs).toBe(p.toRung === 1 ? 4 : 6);
      }
      const started = dataOf<{ rung?: number; trainImages: number }>(log, 'TrainingStarted').filter(
        (t) => t.rung === 2,
      );
      expect(started.every((t) => t.trainImages === 2000)).toBe(true);
      const closed = dataOf<{ rung: number; promoted: string[]; cut: string[] }>(log, 'RungClosed');
      expect(closed.map((c) => c.rung)).toEqual([0, 1]);
      expect([...(closed[0]?.promoted ?? [])].sort()).toEqual(
        promotions
          .filter((p) => p.fromRung === 0)
          .map((p) => p.candidateId)
          .sort(),
      );
      const updates = dataOf<{ rewards?: Array<{ rung: number }> }>(log, 'PolicyUpdated');
      expect(updates.every((u) => Array.isArray(u.rewards))).toBe(true);
      const completed = dataOf<{ trained: number }>(log, 'ExperimentCompleted')[0];
      expect(completed?.trained).toBe(
        dataOf<{ rung?: number; final?: boolean }>(log, 'CandidateTrained').filter(
          (t) => t.rung === undefined && t.final !== true,
        ).length,
      );
      expect(decisions(await runAsha(kind))).toEqual(decisions(log));
    }, 60_000);
  }

  it('promotes differently for another seed', async () => {
    const a = dataOf<Promoted>(await runAsha('random', 7), 'CandidatePromoted').map((p) => p.score);
    const b = dataOf<Promoted>(await runAsha('random', 8), 'CandidatePromoted').map((p) => p.score);
    expect(b).not.toEqual(a);
  }, 60_000);
});

const child = join(process.cwd(), 'dist/test/search/fixtures/resumeChild.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the child; with `killWhen`, SIGKILLs it as soon as the log satisfies the predicate. Resolves true when killed so. */
const runChild = (url: string, killWhen?: (log: RecordedEvent[]) => boolean): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, url, 'mf', '15', 'asha'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let matched = false;
    proc.stderr.on('data', (d) => {
      err += String(d);
    });
    proc.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve(matched)
        : code === 0
          ? resolve(false)
          : reject(new Error(`child exited ${code}: ${err}`)),
    );
    if (killWhen !== undefined) {
      void (async () => {
        const store = await openStore(url);
        for (let i = 0; i < 4000 && !matched; i++) {
          const log = await store.readStream('experiment-mf').catch(() => []);
          matched = killWhen(log);
          if (!matched) await sleep(3);
        }
        proc.kill('SIGKILL');
        await store.close();
      })();
    }
  });

/** True while some rung training has started and logged an epoch but not finished. */
const midRung =
  (rung: number) =>
  (log: RecordedEvent[]): boolean => {
    const trained = new Set(
      log
        .filter((e) => e.type === 'CandidateTrained' && (e.data as { rung?: number }).rung === rung)
        .map((e) => (e.data as { candidateId: string }).candidateId),
    );
    return log.some(
      (e) =>
        e.type === 'EpochCompleted' &&
        (e.data as { rung?: number }).rung === rung &&
        !trained.has((e.data as { candidateId: string }).candidateId),
    );
  };

describe.skipIf(!existsSync(child))('multi-fidelity resume after SIGKILL', () => {
  it('resumes in the middle of a rung and ends with exactly the decisions of an uninterrupted run', async () => {
    const reference = tempStoreUrl();
    await runChild(reference);
    const interrupted = tempStoreUrl();
    expect(await runChild(interrupted, midRung(1))).toBe(true);
    expect(await runChild(interrupted, midRung(2))).toBe(true);
    await runChild(interrupted);
    const a = await openStore(reference);
    const b = await openStore(interrupted);
    const logA = await a.readStream('experiment-mf');
    const logB = await b.readStream('experiment-mf');
    expect(new Set(logB.map((e) => e.id)).size).toBe(logB.length);
    expect(logB.some((e) => e.type === 'CandidatePromoted')).toBe(true);
    expect(decisions(logB)).toEqual(decisions(logA));
    await a.close();
    await b.close();
  }, 120_000);
});
