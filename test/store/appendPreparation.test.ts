// Unit tests of the append steps: the stored text is the canonical text the hash covers, and the direct metadata
// writer gives exactly what canonicalJson gives, so hashes stay verifiable by computeEventHash and audit.
import { describe, expect, it } from 'vitest';
import { chainEvents, prepareEvents } from '../../src/store/appendPreparation.js';
import { canonicalJson, computeEventHash, verifyHashChain } from '../../src/store/index.js';
import type { EventMetadata, RecordedEvent } from '../../src/store/index.js';

const rewardData = (i: number) => ({
  experimentId: 'e',
  candidateId: `c${i}`,
  reward: i / 3,
  reason: 'trained "ok"\n',
  zeta: { b: 1, a: [2, { y: 1, x: 0 }] },
});

const metadataCases: Array<[string, Record<string, unknown>]> = [
  ['the standard keys', { correlationId: 'e', actor: 'system' }],
  ['a causationId', { correlationId: 'e', causationId: 'a6f1', actor: 'worker:1' }],
  ['an undefined causationId', { correlationId: 'e', causationId: undefined, actor: 'cli' }],
  ['quotes, newlines and non-ASCII in strings', { correlationId: 'é"\n\u2028', actor: 'ü\\x' }],
  [
    'extra keys',
    { correlationId: 'e', actor: 'system', imported: { recordedAt: '2020-01-01T00:00:00.000Z', hash: 'ab' }, zz: 1 },
  ],
];

describe('append preparation', () => {
  it.each(metadataCases)(
    'stores canonical text whose hash computeEventHash reproduces, with metadata holding %s',
    (_name, metadata) => {
      const events = [0, 1, 2].map((i) => ({
        id: `id-${i}`,
        type: 'RewardAssigned',
        data: rewardData(i),
        metadata: metadata as never,
      }));
      const chained = chainEvents(
        prepareEvents('experiment-e', events, 'any'),
        4,
        'f'.repeat(64),
        '2026-11-24T21:00:00.000Z',
      );
      const recorded: RecordedEvent[] = chained.map((event, i) => {
        const stored = JSON.parse(event.metadataJson) as EventMetadata;
        const { hash, ...withoutHash } = stored;
        expect(hash).toBe(event.hash);
        expect(event.metadataJson).toBe(`${canonicalJson(withoutHash).slice(0, -1)},"hash":"${hash}"}`);
        expect(event.dataJson).toBe(canonicalJson(events[i]!.data));
        expect(JSON.parse(event.dataJson)).toEqual(events[i]!.data);
        expect(
          computeEventHash({ id: event.id, type: event.type, data: JSON.parse(event.dataJson), metadata: withoutHash }),
        ).toBe(event.hash);
        return {
          id: event.id,
          streamId: 'experiment-e',
          revision: event.revision,
          position: event.revision + 1,
          type: event.type,
          data: JSON.parse(event.dataJson),
          metadata: stored,
        };
      });
      expect(recorded.map((event) => event.revision)).toEqual([5, 6, 7]);
      expect(recorded[0]?.metadata).toMatchObject({
        prevHash: 'f'.repeat(64),
        schemaVersion: 1,
        recordedAt: '2026-11-24T21:00:00.000Z',
      });
      expect(recorded[1]?.metadata.prevHash).toBe(recorded[0]?.metadata.hash);
      // verifyHashChain starts at revision 0 with prevHash ''; from revision 5 only the first link is reported broken.
      expect(verifyHashChain(recorded)).toEqual([{ revision: 5, eventId: 'id-0', problem: 'broken link' }]);
    },
  );

  it('gives the same hashes as the session-1 store (golden values recorded with its chainEvents)', () => {
    const data = { experimentId: 'e1', candidateId: 'c1', reward: 0.1, reason: 'trained' };
    const events = [
      {
        id: 'b8d0c54e-6c1e-4a57-9d55-0f6f3f0e8f11',
        type: 'RewardAssigned',
        data,
        metadata: { correlationId: 'e1', actor: 'test', causationId: 'a1' },
      },
    ];
    const prepared = prepareEvents('experiment-e1', events, 'any');
    expect(chainEvents(prepared, -1, '', '2026-11-24T19:00:00.000Z')[0]?.hash).toBe(
      'f0c786ea7664228f4f56db659de49d9725572da415fca6590f42082f3e39a4c5',
    );
    expect(chainEvents(prepared, 6, 'ab'.repeat(32), '2026-11-24T19:00:00.000Z')[0]?.hash).toBe(
      'dcf9c1b16d2132e7083159cb4859310c0a228c319443080c8e5fd4a65840f192',
    );
  });
});
