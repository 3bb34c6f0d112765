import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Alert } from '../../src/alert.ts';
import { TokenBucket } from '../../src/pipeline/token-bucket.ts';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0 } from './harness.ts';

/** Every message's title count agrees with its count, and nothing is ever folded as "more like this". */
function expectHonest(sent: readonly Alert[]): void {
  for (const a of sent) {
    expect(a.body).not.toContain('like this');
    if (a.count > 1) expect(a.title).toMatch(new RegExp(`\\(${a.count} events\\)$`));
    else expect(a.title).not.toMatch(/\(\d+ events\)$/);
  }
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(3, 1, 10_000, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.waitFor(0)).toBe(10_000);
    expect(b.take(9_999)).toBe(false);
    expect(b.take(10_000)).toBe(true);
  });

  it('resumes from its saved state, capped by the configured burst', () => {
    const b = new TokenBucket(2, 1, 10_000, 50_000, { tokens: 0.5, last: 45_000 });
    expect(b.take(50_000)).toBe(true);
    expect(b.take(50_000)).toBe(false);
    expect(new TokenBucket(2, 1, 10_000, 0, { tokens: 9, last: 0 }).state().tokens).toBe(2);
  });
});

describe('throttle: a limit holds per (rule, key) and releases one message naming each held alert', () => {
  it('lists every distinct held alert with its own title and count when a token is back', () => {
    const h = harness(`rules:
  - name: noisy
    match: { app: app }
    throttle: { rate: 1/1m, burst: 2 }
    notify: [ops]
    title: "{{message}}"
`);
    h.syslog('app', 'disk full');
    h.syslog('app', 'fan failed');
    for (let i = 0; i < 530; i++) h.syslog('app', 'disk full');
    h.syslog('app', 'fan failed');
    h.syslog('app', 'psu lost');
    expect(h.sent.map((a) => a.title)).toEqual(['disk full', 'fan failed']);
    h.clock.advance(60_000);
    expect(h.sent).toHaveLength(3);
    const released = h.sent[2]!;
    expect(released).toMatchObject({ title: 'disk full ×530; fan failed; psu lost (532 events)', count: 532 });
    expect(released.body.split('\n')).toEqual([
      `Held back by rule noisy's rate limit since ${new Date(T0).toISOString()}: 532 events.`,
      '• disk full (530 events) — 530 alerts',
      '• fan failed',
      '• psu lost',
    ]);
    expect(h.sent.reduce((n, a) => n + a.count, 0)).toBe(534);
    expect(h.clock.pending()).toBe(0);
    expectHonest(h.sent);
  });

  it('one alert held once goes out as itself; one key held several times keeps its own title', () => {
    const h = harness(`rules:
  - name: r
    throttle: { rate: 1/1m, burst: 1 }
    notify: [ops]
    title: "{{message}}"
`);
    h.syslog('app', 'a');
    h.syslog('app', 'b');
    h.clock.advance(60_000);
    expect(h.sent.map((a) => a.title)).toEqual(['a', 'b']);
    expect(h.sent[1]!.body).toBe(`b\n\n(held back by rule r's rate limit since ${new Date(T0).toISOString()})`);
    h.syslog('app', 'c');
    h.syslog('app', 'c');
    h.syslog('app', 'c');
    h.clock.advance(60_000);
    expect(h.sent.map((a) => a.title)).toEqual(['a', 'b', 'c (3 events)']);
    expect(h.sent[2]!.body).toContain('• c (3 events) — 3 alerts\n\nThe latest of them:\nc');
    expectHonest(h.sent);
  });

  it('a notifier limit keeps each rule and key apart, never folding one into another', () => {
    const h = harness(`throttle:
  chat: { rate: 10/1h, burst: 1 }
rules:
  - name: failures
    match: { app: sshd }
    key: [host]
    notify: [ops, chat]
    title: "failed login on {{host}}"
  - name: disk
    match: { app: kernel }
    notify: [chat]
    title: "disk error on {{host}}"
`);
    h.syslog('sshd', 'x', { host: 'web1' });
    h.syslog('sshd', 'x', { host: 'web2' });
    h.syslog('kernel', 'I/O error', { host: 'db1' });
    h.syslog('sshd', 'x', { host: 'web2' });
    const to = (n: string) => h.sent.filter((a) => a.notify[0] === n);
    expect(to('ops')).toHaveLength(3);
    expect(to('chat').map((a) => a.title)).toEqual(['failed login on web1']);
    h.clock.advance(6 * 60_000);
    const released = to('chat')[1]!;
    expect(released.title).toBe('failed login on web2 ×2; disk error on db1 (3 events)');
    expect(released.body).toContain('• failed login on web2 (2 events) — 2 alerts\n  x\n• disk error on db1\n  I/O error');
    expect(released.rule).toBe('failures, disk');
    expectHonest(h.sent);
  });

  it("a rule's release held again by the notifier's limit keeps its own list, nested", () => {
    const h = harness(`throttle:
  chat: { rate: 1/1m, burst: 1 }
rules:
  - { name: r1, match: { app: a1 }, key: [message], continue: false, notify: [chat], title: "r1 {{message}}" }
  - { name: r2, match: { app: a2 }, key: [message], continue: false, notify: [chat], title: "r2 {{message}}", throttle: { rate: 1/30s } }
`);
    for (const [app, m] of [
      ['a2', 'k0'],
      ['a2', 'k1'],
      ['a2', 'k0'],
      ['a1', 'k0'],
      ['a1', 'k1'],
    ] as const)
      h.syslog(app, m);
    h.clock.advance(3_600_000);
    expect(h.sent.map((a) => a.title)).toEqual(['r2 k0', 'r1 k0; r1 k1; r2 k1; r2 k0 (4 events)']);
    expect(h.sent[1]!.body.split('\n').slice(1)).toEqual([
      '• r1 k0',
      '  k0',
      '• r1 k1',
      '  k1',
      '• r2 k1; r2 k0 (2 events)',
      '  • r2 k1',
      '  • r2 k0',
    ]);
    expectHonest(h.sent);
  });

  it('never holds an alert at throttle_bypass severity or from a priority: high rule; they still take a token', () => {
    const h = harness(`throttle:
  chat: { rate: 1/1h, burst: 2 }
throttle_bypass: err
rules:
  - name: urgent
    match: { app: login }
    continue: false
    priority: high
    notify: [chat]
    title: "{{message}}"
  - name: other
    notify: [chat]
    title: "{{message}}"
`);
    h.syslog('login', 'first root login');
    h.syslog('app', 'routine 1');
    h.syslog('app', 'routine 2');
    h.syslog('app', 'disk on fire', { severity: 3 });
    h.syslog('login', 'second root login');
    h.syslog('app', 'warning only', { severity: 4 });
    expect(h.sent.map((a) => a.title)).toEqual(['first root login', 'routine 1', 'disk on fire', 'second root login']);
    expect(h.pipeline.stats()).toMatchObject({ throttled: 2, throttleBypassed: 3 });
    h.clock.advance(3_600_000);
    expect(h.sent.at(-1)!.body).toContain('• warning only\n• routine 2');
  });

  it('caps distinct held keys per limit at limits.keys_per_rule: the rest are one counted overflow entry, with a warning', () => {
    const { log, at } = captureLog('warn');
    const h = harness(
      `limits: { keys_per_rule: 3 }
rules:
  - name: scan
    key: [fields.n]
    throttle: { rate: 1/1m, burst: 1 }
    notify: [ops]
    title: "port {{fields.n}}"
`,
      { log },
    );
    for (let i = 0; i < 100; i++) h.syslog('app', 'probe', { fields: { n: i % 50 } });
    expect(h.pipeline.stats()).toMatchObject({ throttled: 99, overflowed: { throttle: { scan: 93 } } });
    expect(at('warn')).toHaveLength(1);
    expect(at('warn')[0]).toMatchObject({ limit: 'rule scan', keys: 3 });
    h.clock.advance(60_000);
    const released = h.sent[1]!;
    expect(released).toMatchObject({ count: 99, title: 'port 1 ×2; port 2 ×2; port 3 ×2 and 93 other held alerts (99 events)' });
    expect(released.body.split('\n').slice(1)).toEqual([
      '• port 1 (2 events) — 2 alerts',
      '  probe',
      '• port 2 (2 events) — 2 alerts',
      '  probe',
      '• port 3 (2 events) — 2 alerts',
      '  probe',
      '• … and 93 more alerts (93 events) past limits.keys_per_rule: scan ×93',
    ]);
    expectHonest(h.sent);
  });
});

describe('throttle state survives a restart', () => {
  const yaml = `throttle:
  chat: { rate: 1/10m, burst: 2 }
rules:
  - name: r
    key: [message]
    notify: [chat]
    title: "{{message}}"
`;

  it('held alerts and the bucket are restored from the store and released with exact counts on time', () => {
    const store = new MemoryStateStore();
    const before = harness(yaml, { store });
    for (const m of ['a', 'b', 'c', 'c', 'd']) before.syslog('app', m);
    expect(before.sent.map((a) => a.title)).toEqual(['a', 'b']);

    // A new process 2 minutes later: nothing is sent until the bucket has a token again (10 minutes after the first hold).
    const after = harness(yaml, { store, start: T0 + 120_000 });
    after.clock.advance(7 * 60_000);
    expect(after.sent).toHaveLength(0);
    after.clock.advance(60_000);
    expect(after.sent).toHaveLength(1);
    expect(after.sent[0]!.title).toBe('c ×2; d (3 events)');
    expect(after.sent[0]!.body).toContain('• c (2 events) — 2 alerts');
    expect(after.sent[0]!.body).toContain('• d');
    // What was released is gone from the store: a third process has nothing to send.
    const third = harness(yaml, { store, start: T0 + 3_600_000 });
    third.clock.advance(3_600_000);
    expect(third.sent).toHaveLength(0);
  });

  it('a limit removed from the config lets what it held go at once after the restart', () => {
    const store = new MemoryStateStore();
    const before = harness(yaml, { store });
    for (const m of ['a', 'b', 'c']) before.syslog('app', m);
    const after = harness(yaml.replace('chat: { rate: 1/10m, burst: 2 }', '{}'), { store, start: T0 + 1000 });
    expect(after.sent).toHaveLength(0);
    after.clock.advance(0);
    expect(after.sent.map((a) => a.title)).toEqual(['c']);
  });
});

describe('throttle: no alert is ever hidden inside another (property)', () => {
  it('every pushed (rule, key) reaches the notifier under its own title, and the event counts add up', () => {
    const yaml = `limits: { keys_per_rule: 1000 }
throttle:
  chat: { rate: 1/1m, burst: 1 }
rules:
  - { name: r1, match: { app: a1 }, key: [message], continue: false, notify: [chat], title: "r1 {{message}}" }
  - { name: r2, match: { app: a2 }, key: [message], continue: false, notify: [chat], title: "r2 {{message}}", throttle: { rate: 1/30s } }
`;
    const step = fc.record({
      app: fc.constantFrom('a1', 'a2'),
      key: fc.integer({ min: 0, max: 6 }),
      severity: fc.constantFrom(1, 4, 6),
      wait: fc.integer({ min: 0, max: 40_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const h = harness(yaml);
        const pushed = new Map<string, number>();
        for (const s of steps) {
          h.clock.advance(s.wait);
          h.syslog(s.app, `k${s.key}`, { severity: s.severity });
          const title = `${s.app === 'a1' ? 'r1' : 'r2'} k${s.key}`;
          pushed.set(title, (pushed.get(title) ?? 0) + 1);
        }
        h.clock.advance(3_600_000);
        const said = new Map<string, number>();
        // A message is one alert, or a release listing alerts, each on its own line, nested when a rule's
        // release was then held by the notifier's limit. Only lines naming exactly one alert are counted.
        const leaf = /^\s*• (r\d k\d)(?: \((\d+) events\))?(?: — \d+ alerts)?$/;
        for (const a of h.sent) {
          if (!a.held) said.set(a.headline!, (said.get(a.headline!) ?? 0) + a.count);
          for (const m of (a.held ?? []).map((l) => leaf.exec(l))) if (m) said.set(m[1]!, (said.get(m[1]!) ?? 0) + Number(m[2] ?? 1));
        }
        expect(said).toEqual(pushed);
        expectHonest(h.sent);
        expect(h.clock.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
