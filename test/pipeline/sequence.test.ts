import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

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
