import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { harness, T0, turnEnd } from './harness.ts';

const FIVE_IN_A_MINUTE = `rules:
  - name: sudo-passwords
    kind: frequency
    match: { app: sudo, fields.reason: incorrect password attempts }
    threshold: { count: 5, within: 60s }
    key: [fields.user]
    notify: [ops]
    title: "{{fields.user}} keeps failing sudo"
`;
const fail = (user: string) => `${user} : 1 incorrect password attempt ; TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/id`;

describe('kind: frequency', () => {
  it('alerts once when 5 failures by one user fall within 60 s, saying how many', () => {
    const h = harness(FIVE_IN_A_MINUTE);
    for (let i = 0; i < 5; i++) {
      h.syslog('sudo', fail('alice'));
      h.clock.advance(10_000);
    }
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ title: 'alice keeps failing sudo (5 events)', count: 5 });
    expect(h.sent[0]!.body).toContain('5 events within 1m');
  });

  it('does not alert when the failures are spread wider than the window', () => {
    const h = harness(FIVE_IN_A_MINUTE);
    for (let i = 0; i < 10; i++) {
      h.syslog('sudo', fail('alice'));
      h.clock.advance(15_001);
    }
    expect(h.sent).toHaveLength(0);
  });

  it('counts each user on their own and starts afresh after alerting', () => {
    const h = harness(FIVE_IN_A_MINUTE);
    for (let i = 0; i < 10; i++) {
      h.syslog('sudo', fail('alice'));
      if (i < 4) h.syslog('sudo', fail('bob'));
      h.clock.advance(1000);
    }
    expect(h.sent.map((a) => a.title)).toEqual(['alice keeps failing sudo (5 events)', 'alice keeps failing sudo (5 events)']);
  });
});

describe('kind: frequency, windows in the state store', () => {
  it('keeps counting across a restart', async () => {
    const store = new MemoryStateStore();
    const before = harness(FIVE_IN_A_MINUTE, { store });
    for (let i = 0; i < 3; i++) before.syslog('sudo', fail('alice'));
    await turnEnd();
    const after = harness(FIVE_IN_A_MINUTE, { store, start: T0 + 20_000 });
    after.syslog('sudo', fail('alice'));
    expect(after.sent).toHaveLength(0);
    after.syslog('sudo', fail('alice'));
    expect(after.sent.map((a) => [a.title, a.count])).toEqual([['alice keeps failing sudo (5 events)', 5]]);
  });

  it('past limits.keys_per_rule, counts further keys in one shared overflow window whose alert says so', () => {
    const h = harness(`${FIVE_IN_A_MINUTE}limits: { keys_per_rule: 1 }\n`);
    h.syslog('sudo', fail('alice'));
    for (const user of ['bob', 'carol', 'dave', 'erin', 'frank']) h.syslog('sudo', fail(user));
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.count).toBe(5);
    expect(h.sent[0]!.body).toContain('5 events within 1m, counted together for keys past limits.keys_per_rule');
    expect(h.pipeline.stats().overflowed.frequency).toEqual({ 'sudo-passwords': 5 });
  });
});
