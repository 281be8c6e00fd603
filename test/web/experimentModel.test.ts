// The dashboard's fold of single events: each point keeps the score the experiment model ranks it by (the final
// training's, else the highest rung's, else the proxy's), never the maximum over them, and a replayed position
// changes nothing.
import { describe, expect, it } from 'vitest';
import { applyEvent, createModel, type EventRecord } from '../../src/web/experimentModel.js';

let position = 0;
const event = (type: string, data: Record<string, unknown>): EventRecord => {
  position += 1;
  return { position, cursor: String(position), type, data, metadata: { recordedAt: '2026-12-07T00:00:00.000Z' } };
};

describe('the dashboard experiment fold', () => {
  it('scores a point by its final, else highest rung, else proxy result, as the model does', () => {
    const model = createModel('x');
    applyEvent(model, event('CandidateProposed', { candidateId: 'c', index: 0 }));
    applyEvent(model, event('HardwareEvaluated', { candidateId: 'c', luts: 100, throughputFps: 2000, feasible: true }));
    applyEvent(model, event('CandidateTrained', { candidateId: 'c', accuracy: 0.5 }));
    expect(model.points.get('c')?.accuracy).toBe(0.5);
    // A longer rung can score lower than a lucky proxy: the model ranks by the rung.
    applyEvent(model, event('CandidateTrained', { candidateId: 'c', accuracy: 0.4, rung: 1 }));
    expect(model.points.get('c')?.accuracy).toBe(0.4);
    // A result of a lower rung arriving late does not replace the higher one.
    applyEvent(model, event('CandidateTrained', { candidateId: 'c', accuracy: 0.9 }));
    expect(model.points.get('c')?.accuracy).toBe(0.4);
    applyEvent(model, event('CandidateTrained', { candidateId: 'c', accuracy: 0.7, final: true, testAccuracy: 0.69 }));
    applyEvent(model, event('CandidateTrained', { candidateId: 'c', accuracy: 0.95, rung: 2 }));
    expect(model.points.get('c')).toMatchObject({ accuracy: 0.7, testAccuracy: 0.69, status: 'trained' });
  });

  it('does not plot a zero-cost score as an accuracy, and skips a position it has folded', () => {
    const model = createModel('x');
    const proposed = event('CandidateProposed', { candidateId: 'z', index: 0 });
    applyEvent(model, proposed);
    applyEvent(model, event('CandidateTrained', { candidateId: 'z', accuracy: 812.5, zeroCost: 'naswot' }));
    expect(model.points.get('z')?.accuracy).toBeUndefined();
    expect(applyEvent(model, proposed)).toBe(false);
    expect(model.points.size).toBe(1);
  });
});
