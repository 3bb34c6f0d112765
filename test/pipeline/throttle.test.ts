import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/pipeline/token-bucket.ts';
import { harness } from './harness.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(3, 1, 10_000, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.waitFor(0)).toBe(10_000);
    expect(b.take(9_999)).toBe(false);
    expect(b.take(10_000)).toBe(true);
  });
});

describe('throttle: rule and notifier rate limits fold what they hold back', () => {
  it('holds back past the burst and sends "… and N more like this" when a token is back', () => {
    const h = harness(`rules:
  - name: noisy
    match: { app: app }
    throttle: { rate: 1/1m, burst: 2 }
    notify: [ops]
    title: "{{message}}"
`);
    for (let i = 1; i <= 535; i++) h.syslog('app', `event ${i}`);
    expect(h.sent.map((a) => a.title)).toEqual(['event 1', 'event 2']);
    h.clock.advance(60_000);
    expect(h.sent).toHaveLength(3);
    expect(h.sent[2]).toMatchObject({ title: 'event 535', count: 533 });
    expect(h.sent[2]!.body).toContain("… and 532 more like this (533 events), held back by rule noisy's rate limit");
    expect(h.sent.reduce((n, a) => n + a.count, 0)).toBe(535);
    expect(h.clock.pending()).toBe(0);
  });

  it('limits per notifier, leaving the other notifiers of the same alert alone', () => {
    const h = harness(`throttle:
  chat: { rate: 10/1h, burst: 1 }
rules:
  - name: all
    notify: [ops, chat]
    title: "{{message}}"
`);
    for (let i = 1; i <= 4; i++) h.syslog('app', `event ${i}`);
    const to = (n: string) => h.sent.filter((a) => a.notify[0] === n).map((a) => a.title);
    expect(to('ops')).toEqual(['event 1', 'event 2', 'event 3', 'event 4']);
    expect(to('chat')).toEqual(['event 1']);
    h.clock.advance(6 * 60_000);
    expect(to('chat')).toEqual(['event 1', 'event 4']);
    expect(h.sent.at(-1)!.body).toContain("… and 2 more like this (3 events), held back by notifier chat's rate limit");
  });
});
