import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { harness, T0, turnEnd } from './harness.ts';

const LOGIN_AFTER_FAILURES = `rules:
  - name: login-after-failures
    kind: sequence
    match: { app: sshd, fields.event: login_accepted }
    after: { match: { app: sshd, fields.event: login_failed }, count: 3, within: 1h }
    key: [host, fields.src_ip]
    notify: [ops]
    title: "{{fields.user}} logged in on {{host}} from {{fields.src_ip}} after {{before}} failed logins"
  - { name: everything, notify: [chat] }
`;
const failed = (ip: string) => `Failed password for root from ${ip} port 40000 ssh2`;
const accepted = (ip: string) => `Accepted password for root from ${ip} port 40001 ssh2`;

describe('kind: sequence', () => {
  it('alerts on a login from an address that failed at least 3 times within the hour, saying how often', () => {
    const h = harness(LOGIN_AFTER_FAILURES);
    for (let i = 0; i < 7; i++) h.syslog('sshd', failed('203.0.113.9'));
    h.clock.advance(10 * 60_000);
    h.syslog('sshd', accepted('203.0.113.9'));
    const mine = h.sent.filter((a) => a.rule === 'login-after-failures');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ title: 'root logged in on web1 from 203.0.113.9 after 7 failed logins', count: 1 });
    // The events before are counted by this rule, not taken from the rules after it.
    expect(h.sent.filter((a) => a.rule === 'everything')).toHaveLength(8);
  });

  it('says nothing for a login after fewer failures, from another address, or after the window', () => {
    const h = harness(LOGIN_AFTER_FAILURES);
    h.syslog('sshd', failed('192.0.2.1'));
    h.syslog('sshd', failed('192.0.2.1'));
    h.syslog('sshd', accepted('192.0.2.1'));
    for (let i = 0; i < 3; i++) h.syslog('sshd', failed('192.0.2.2'));
    h.syslog('sshd', accepted('192.0.2.3'));
    h.clock.advance(61 * 60_000);
    h.syslog('sshd', accepted('192.0.2.2'));
    expect(h.sent.filter((a) => a.rule === 'login-after-failures')).toEqual([]);
  });

  it('starts the count afresh after it alerted', () => {
    const h = harness(LOGIN_AFTER_FAILURES);
    for (let i = 0; i < 3; i++) h.syslog('sshd', failed('203.0.113.9'));
    h.syslog('sshd', accepted('203.0.113.9'));
    h.syslog('sshd', accepted('203.0.113.9'));
    expect(h.sent.filter((a) => a.rule === 'login-after-failures')).toHaveLength(1);
  });
});

describe('kind: sequence, counts in the state store', () => {
  const mine = (h: ReturnType<typeof harness>) => h.sent.filter((a) => a.rule === 'login-after-failures');

  it('keeps counting across a restart', async () => {
    const store = new MemoryStateStore();
    const before = harness(LOGIN_AFTER_FAILURES, { store });
    for (let i = 0; i < 2; i++) before.syslog('sshd', failed('203.0.113.9'));
    await turnEnd();
    const after = harness(LOGIN_AFTER_FAILURES, { store, start: T0 + 10 * 60_000 });
    after.syslog('sshd', accepted('203.0.113.9'));
    expect(mine(after)).toEqual([]);
    after.syslog('sshd', failed('203.0.113.9'));
    after.syslog('sshd', accepted('203.0.113.9'));
    expect(mine(after).map((a) => a.title)).toEqual(['root logged in on web1 from 203.0.113.9 after 3 failed logins']);
    expect(mine(after)[0]!.body).not.toContain('counted together');
    await turnEnd();
    expect(store.load('sequence').size).toBe(0);
  });

  it('drops, saying so, the counts of a rule that no longer exists', async () => {
    const store = new MemoryStateStore();
    const before = harness(LOGIN_AFTER_FAILURES, { store });
    for (let i = 0; i < 3; i++) before.syslog('sshd', failed('203.0.113.9'));
    before.pipeline.stop();
    const { log, at } = captureLog();
    const after = harness(LOGIN_AFTER_FAILURES.replace('login-after-failures', 'login-renamed'), { store, start: T0 + 1000, log });
    after.syslog('sshd', accepted('203.0.113.9'));
    expect(after.sent.filter((a) => a.rule === 'login-renamed')).toEqual([]);
    expect(at('info').map((l) => [l.msg, l.rules])).toEqual([
      ['sequence: state of rules that no longer exist was dropped', { 'login-after-failures': 1 }],
    ]);
    await turnEnd();
    expect(store.load('sequence').size).toBe(0);
  });

  it('past limits.keys_per_rule, counts events before of further keys in one shared entry, and alerts on a login that may complete it, saying so', () => {
    const { log, at } = captureLog();
    const h = harness(`${LOGIN_AFTER_FAILURES}limits: { keys_per_rule: 2 }\n`, { log });
    h.syslog('sshd', failed('192.0.2.1'));
    for (let i = 0; i < 3; i++) h.syslog('sshd', failed('192.0.2.2'));
    for (let i = 0; i < 2; i++) h.syslog('sshd', failed('192.0.2.3'));
    h.syslog('sshd', failed('192.0.2.4'));
    h.syslog('sshd', failed('192.0.2.1')); // a held key still counts in its own entry
    expect(h.pipeline.stats().overflowed.sequence).toEqual({ 'login-after-failures': 3 });
    expect(at('warn').map((l) => [l.msg, l.limit, l.rule])).toEqual([
      [
        "sequence: rule login-after-failures reached limits.keys_per_rule (2); events before of further keys count in the rule's one shared entry; a completing event that may have had them alerts, saying so",
        'limits.keys_per_rule',
        'login-after-failures',
      ],
    ]);
    h.syslog('sshd', accepted('192.0.2.2')); // its own 3: an ordinary alert, and its place is free again
    h.syslog('sshd', accepted('192.0.2.3')); // may be 3 among the shared ones
    h.syslog('sshd', accepted('192.0.2.1')); // its own 2 and the shared 3
    expect(mine(h).map((a) => a.title)).toEqual([
      'root logged in on web1 from 192.0.2.2 after 3 failed logins',
      'root logged in on web1 from 192.0.2.3 after 3 failed logins',
      'root logged in on web1 from 192.0.2.1 after 5 failed logins',
    ]);
    expect(mine(h)[0]!.body).not.toContain('counted together');
    expect(mine(h)[1]!.body).toContain(
      "(3 of the 3 events before were counted together for keys past limits.keys_per_rule: how many were this key's is not known)",
    );
    expect(mine(h)[2]!.body).toContain('(3 of the 5 events before were counted together for keys past limits.keys_per_rule');
    h.syslog('sshd', failed('192.0.2.5')); // takes the place 192.0.2.2 gave back
    expect(h.pipeline.stats().overflowed.sequence).toEqual({ 'login-after-failures': 3 });
  });

  it('past limits.keys_per_rule, says nothing for a login when the shared count in the window cannot reach the threshold', () => {
    const h = harness(`${LOGIN_AFTER_FAILURES}limits: { keys_per_rule: 1 }\n`);
    h.syslog('sshd', failed('192.0.2.1'));
    for (let i = 0; i < 2; i++) h.syslog('sshd', failed('192.0.2.2'));
    h.syslog('sshd', accepted('192.0.2.2'));
    h.clock.advance(61 * 60_000);
    for (let i = 0; i < 3; i++) h.syslog('sshd', failed('192.0.2.1'));
    h.syslog('sshd', failed('192.0.2.3'));
    h.clock.advance(1000);
    h.syslog('sshd', accepted('192.0.2.3'));
    expect(mine(h)).toEqual([]);
    // The shared count, too, starts afresh once all of it left the window.
    for (let i = 0; i < 2; i++) h.syslog('sshd', failed('192.0.2.4'));
    h.syslog('sshd', accepted('192.0.2.4'));
    expect(mine(h).map((a) => a.title)).toEqual(['root logged in on web1 from 192.0.2.4 after 3 failed logins']);
    expect(mine(h)[0]!.body).toContain('(3 of the 3 events before were counted together');
    expect(h.pipeline.stats().overflowed.sequence).toEqual({ 'login-after-failures': 5 });
  });

  it('gives the place of a key quiet for longer than after.within back', () => {
    const h = harness(`${LOGIN_AFTER_FAILURES}limits: { keys_per_rule: 1 }\n`);
    h.syslog('sshd', failed('192.0.2.1'));
    h.clock.advance(61 * 60_000);
    // The quiet keys are swept every 1,000 events: until then 192.0.2.1 holds the only place.
    for (let i = 0; i < 999; i++) h.syslog('sshd', failed('192.0.2.2'));
    for (let i = 0; i < 2; i++) h.syslog('sshd', failed('192.0.2.2'));
    h.syslog('sshd', accepted('192.0.2.2'));
    // Its own count from the event that took the place, not the shared one.
    expect(mine(h).map((a) => a.title)).toEqual(['root logged in on web1 from 192.0.2.2 after 3 failed logins']);
    expect(mine(h)[0]!.body).not.toContain('counted together');
    expect(h.pipeline.stats().overflowed.sequence).toEqual({ 'login-after-failures': 998 });
  });
});
