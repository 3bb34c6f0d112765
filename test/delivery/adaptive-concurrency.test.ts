import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from '../../src/delivery/adaptive-concurrency.ts';

/** One round: `n` sends start together (the limit in use), then all finish with `latency` and `outcome`. */
function round(arc: AdaptiveConcurrency, latency: number, outcome: 'ok' | 'pushback' | 'rejected' = 'ok'): void {
  const n = arc.limit;
  const tickets = Array.from({ length: n }, (_, i) => arc.started(i));
  for (const t of tickets) arc.finished(t, latency, outcome);
}

describe('AdaptiveConcurrency', () => {
  it('starts at 1 and doubles per round while latency holds and the limit is in use (slow start)', () => {
    const arc = new AdaptiveConcurrency(100);
    expect(arc.limit).toBe(1);
    for (let i = 0; i < 5; i++) round(arc, 50);
    expect(arc.limit).toBe(32);
  });

  it('after the first rise in latency, adds 1 per round while latency holds', () => {
    const arc = new AdaptiveConcurrency(100);
    for (let i = 0; i < 3; i++) round(arc, 50);
    expect(arc.limit).toBe(8);
    round(arc, 400);
    expect(arc.limit).toBe(8);
    for (let i = 0; i < 3; i++) round(arc, 400);
    expect(arc.limit).toBe(11);
  });

  it('after the first pushback, halves and then adds 1 per round', () => {
    const arc = new AdaptiveConcurrency(100);
    for (let i = 0; i < 4; i++) round(arc, 50);
    round(arc, 50, 'pushback');
    expect(arc.limit).toBe(8);
    round(arc, 50);
    round(arc, 50);
    expect(arc.limit).toBe(10);
  });

  it('never grows past its max', () => {
    const arc = new AdaptiveConcurrency(3);
    for (let i = 0; i < 10; i++) round(arc, 50);
    expect(arc.limit).toBe(3);
  });

  it('does not grow when the limit is not in use', () => {
    const arc = new AdaptiveConcurrency(10);
    round(arc, 50);
    round(arc, 50);
    expect(arc.limit).toBe(4);
    for (let i = 0; i < 5; i++) arc.finished(arc.started(0), 50, 'ok');
    expect(arc.limit).toBe(4);
  });

  it('halves once per round on pushback (429, 5xx, timeouts), however many sends of that round failed', () => {
    const arc = new AdaptiveConcurrency(64);
    for (let i = 0; i < 4; i++) round(arc, 50);
    expect(arc.limit).toBe(16);
    round(arc, 50, 'pushback');
    expect(arc.limit).toBe(8);
    round(arc, 50, 'pushback');
    expect(arc.limit).toBe(4);
    round(arc, 50, 'pushback');
    round(arc, 50, 'pushback');
    round(arc, 50, 'pushback');
    expect(arc.limit).toBe(1);
  });

  it('holds while latency rises well past its usual spread', () => {
    const arc = new AdaptiveConcurrency(64);
    for (let i = 0; i < 3; i++) round(arc, 50);
    expect(arc.limit).toBe(8);
    round(arc, 400);
    expect(arc.limit).toBe(8);
  });

  it('ignores refusals that say nothing about load (a 400)', () => {
    const arc = new AdaptiveConcurrency(64);
    for (let i = 0; i < 2; i++) round(arc, 50);
    round(arc, 50, 'rejected');
    expect(arc.limit).toBe(4);
  });
});
