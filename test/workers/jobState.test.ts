// The job-stream fold and its lease rules: one holder per attempt, claimable again after the lease or a hand-back,
// and only the holder's first report counts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createJobBoard,
  evolveBoard,
  foldJob,
  isClaimable,
  isHeldBy,
  isJobDone,
  nextClaimable,
} from '../../src/workers/index.js';
import type { RecordedEvent } from '../../src/store/index.js';

let position = 0;
const event = (streamId: string, type: string, data: Record<string, unknown>, revision = 0): RecordedEvent => ({
  id: `${type}-${++position}`,
  streamId,
  revision,
  position,
  type,
  data,
  metadata: {
    correlationId: 'j',
    actor: 't',
    schemaVersion: 1,
    recordedAt: '2026-01-01T00:00:00.000Z',
    hash: '',
    prevHash: '',
  },
});
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const claim = (workerId: string, attempt: number, leaseMs: number, revision: number) =>
  event(
    'job-j',
    'TrainingClaimed',
    {
      jobId: 'j',
      workerId,
      attempt,
      experimentId: 'x',
      candidateId: 'c0',
      host: 'h',
      leaseExpiresAt: at(leaseMs),
      backend: 'oracle',
      trainImages: 10,
    },
    revision,
  );
const report = (workerId: string, attempt: number, accuracy: number, revision: number) =>
  event(
    'job-j',
    'TrainingReported',
    {
      jobId: 'j',
      workerId,
      attempt,
      accuracy,
      epochs: 1,
      trainSeconds: 0,
      backend: 'oracle',
    },
    revision,
  );

describe('job state', () => {
  it('is claimable until claimed, then only after the lease runs out', () => {
    expect(isClaimable(foldJob('j', []), T0)).toBe(true);
    const held = foldJob('j', [claim('w1', 1, 1000, 0)]);
    expect(isClaimable(held, T0 + 500)).toBe(false);
    expect(isHeldBy(held, 'w1', 1)).toBe(true);
    expect(isClaimable(held, T0 + 1001)).toBe(true);
  });

  it('a heartbeat of the holder extends the lease; one of a former holder does not', () => {
    const renewed = foldJob('j', [
      claim('w1', 1, 1000, 0),
      event('job-j', 'LeaseRenewed', { jobId: 'j', workerId: 'w1', attempt: 1, leaseExpiresAt: at(5000) }, 1),
    ]);
    expect(isClaimable(renewed, T0 + 2000)).toBe(false);
    const stale = foldJob('j', [
      claim('w1', 1, 1000, 0),
      claim('w2', 2, 1500, 1),
      event('job-j', 'LeaseRenewed', { jobId: 'j', workerId: 'w1', attempt: 1, leaseExpiresAt: at(9000) }, 2),
    ]);
    expect(isClaimable(stale, T0 + 2000)).toBe(true);
    expect(isHeldBy(stale, 'w1', 1)).toBe(false);
  });

  it("counts the current holder's first report and refuses a former holder's", () => {
    const state = foldJob('j', [
      claim('w1', 1, 1000, 0),
      claim('w2', 2, 5000, 1),
      report('w1', 1, 0.9, 2),
      report('w2', 2, 0.4, 3),
      report('w2', 2, 0.5, 4),
    ]);
    expect(state.result).toMatchObject({ workerId: 'w2', attempt: 2, accuracy: 0.4 });
    expect(state.rejected).toBe(2);
    expect(isJobDone(state)).toBe(true);
    expect(isClaimable(state, T0 + 1e9)).toBe(false);
  });

  it('a retryable hand-back frees the job at once; a failed training ends it', () => {
    const abandon = (retryable: boolean) =>
      event(
        'job-j',
        'TrainingAbandoned',
        { jobId: 'j', workerId: 'w1', attempt: 1, retryable, error: { code: 'INTERNAL', message: 'x' } },
        1,
      );
    expect(isClaimable(foldJob('j', [claim('w1', 1, 60_000, 0), abandon(true)]), T0)).toBe(true);
    const failed = foldJob('j', [claim('w1', 1, 60_000, 0), abandon(false)]);
    expect(isJobDone(failed)).toBe(true);
    expect(isClaimable(failed, T0 + 1e9)).toBe(false);
  });

  it('keeps only the current attempt epochs', () => {
    const epoch = (workerId: string, attempt: number, n: number, revision: number) =>
      event(
        'job-j',
        'EpochReported',
        {
          jobId: 'j',
          workerId,
          attempt,
          leaseExpiresAt: at(9000),
          epoch: n,
          loss: 1,
          trainAccuracy: 0.1,
          imagesPerSec: 1,
        },
        revision,
      );
    const state = foldJob('j', [
      claim('w1', 1, 100, 0),
      epoch('w1', 1, 1, 1),
      epoch('w1', 1, 2, 2),
      claim('w2', 2, 9000, 3),
      epoch('w2', 2, 1, 4),
    ]);
    expect(state.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(state.attempts).toBe(2);
  });
});

describe('job board', () => {
  const requestOf = (jobId: string, index: number) =>
    event('experiment-x', 'TrainingRequested', {
      experimentId: 'x',
      candidateId: `c${index}`,
      jobId,
      kind: 'proxy',
      candidate: {},
      options: { epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1 },
    });

  it('offers the oldest claimable job, skips held ones and closes jobs the loop folded or whose experiment ended', () => {
    const board = createJobBoard();
    for (const e of [requestOf('j', 0), requestOf('k', 1)]) evolveBoard(board, e);
    expect(nextClaimable(board, T0)?.jobId).toBe('j');
    evolveBoard(board, claim('w1', 1, 1000, 0));
    expect(nextClaimable(board, T0)?.jobId).toBe('k');
    evolveBoard(
      board,
      event('experiment-x', 'CandidateTrained', {
        experimentId: 'x',
        candidateId: 'c1',
        accuracy: 0.5,
        epochs: 1,
        trainSeconds: 0,
        backend: 'o',
        jobId: 'k',
      }),
    );
    expect(nextClaimable(board, T0)).toBeUndefined();
    expect(nextClaimable(board, T0 + 2000)?.jobId).toBe('j');
    evolveBoard(board, event('experiment-x', 'ExperimentCancelled', { experimentId: 'x', reason: 'r' }));
    expect(nextClaimable(board, T0 + 2000)).toBeUndefined();
  });

  it('within an experiment, offers the costliest claimable job first; across experiments, the oldest request', () => {
    const read = (name: string) =>
      JSON.parse(readFileSync(new URL(`../../examples/candidates/${name}.json`, import.meta.url), 'utf8')) as Record<
        string,
        unknown
      >;
    const ask = (experimentId: string, jobId: string, candidate: Record<string, unknown>) =>
      event(`experiment-${experimentId}`, 'TrainingRequested', {
        experimentId,
        candidateId: jobId,
        jobId,
        kind: 'proxy',
        candidate,
        options: { epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1 },
      });
    const board = createJobBoard();
    for (const e of [
      ask('x', 'small', read('small-8bit')),
      ask('x', 'big', read('reference-8bit')),
      ask('y', 'other', read('reference-8bit')),
    ])
      evolveBoard(board, e);
    expect(board.open.get('big')?.cost).toBeGreaterThan(board.open.get('small')?.cost ?? Infinity);
    expect(nextClaimable(board, T0)?.jobId).toBe('big');
    expect(nextClaimable(board, T0, new Set(['x']))?.jobId).toBe('other');
  });
});
