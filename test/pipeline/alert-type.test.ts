import { describe, expect, it } from 'vitest';
import { harness } from './harness.ts';

const RULES = `rules:
  - name: sudo
    match: { kind: sudo }
    continue: false
    notify: [ops]
  - name: guessing
    kind: frequency
    match: { app: guess }
    threshold: { count: 2, within: 1m }
    continue: false
    notify: [ops]
  - name: auth-failure
    match: { fields.event: login_failed }
    group_by: [host]
    group_wait: 1m
    continue: false
    notify: [ops]
  - name: chosen
    match: { app: backup }
    type: success
    continue: false
    notify: [ops]
  - name: other
    notify: [ops]
`;
const call = { host: 'web1', user: 'alice', uid: 1000, argv: ['id'], pid: 1 };

describe('alert type when the rule sets none: from the severity and what the alert is about', () => {
  it.each([
    {
      name: 'an authentication-failure digest is a warning',
      send: (h: ReturnType<typeof harness>) => {
        for (let i = 0; i < 5; i++) h.syslog('sshd', `Failed password for root from 203.0.113.${i} port 22 ssh2`, { severity: 6 });
        h.clock.advance(60_000);
      },
      type: 'warning',
    },
    {
      name: 'crit is a failure',
      send: (h: ReturnType<typeof harness>) => h.syslog('kernel', 'Out of memory: Killed process 1', { severity: 2 }),
      type: 'failure',
    },
    {
      name: 'err is a warning',
      send: (h: ReturnType<typeof harness>) => h.syslog('app', 'cannot open file', { severity: 3 }),
      type: 'warning',
    },
    { name: 'a notice is info', send: (h: ReturnType<typeof harness>) => h.syslog('app', 'started', { severity: 5 }), type: 'info' },
    {
      name: 'an accepted login is info',
      send: (h: ReturnType<typeof harness>) => h.syslog('sshd', 'Accepted publickey for bob from 10.0.0.1 port 22 ssh2', { severity: 6 }),
      type: 'info',
    },
    {
      name: 'sudo that exited 0 is info',
      send: (h: ReturnType<typeof harness>) => {
        h.sudo({ event: 'accept', id: 'a', ...call });
        h.sudo({ event: 'exit', id: 'a', ...call, status: 0 });
      },
      type: 'info',
    },
    {
      name: 'sudo rejected is a warning',
      send: (h: ReturnType<typeof harness>) => h.sudo({ event: 'reject', id: 'b', ...call, reason: 'user NOT in sudoers' }),
      type: 'warning',
    },
    {
      name: 'sudo that could not run is a warning',
      send: (h: ReturnType<typeof harness>) => {
        h.sudo({ event: 'accept', id: 'c', ...call });
        h.sudo({ event: 'exec_error', id: 'c', ...call, errno: 2, error: 'No such file or directory' });
      },
      type: 'warning',
    },
    {
      name: 'a frequency threshold crossed is a warning',
      send: (h: ReturnType<typeof harness>) => {
        h.syslog('guess', 'wrong', { severity: 6 });
        h.syslog('guess', 'wrong', { severity: 6 });
      },
      type: 'warning',
    },
    {
      name: "the rule's own type wins",
      send: (h: ReturnType<typeof harness>) => h.syslog('backup', 'done', { severity: 2 }),
      type: 'success',
    },
  ])('$name', ({ send, type }) => {
    const h = harness(RULES);
    send(h);
    expect(h.sent.map((a) => a.type)).toEqual([type]);
  });
});
