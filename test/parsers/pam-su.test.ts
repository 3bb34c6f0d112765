import { describe, expect, it } from 'vitest';
import { parsePam } from '../../parsers/pam.ts';
import { parseSu } from '../../parsers/su.ts';

describe('parsePam: authentication failures and sessions from any PAM user', () => {
  it.each([
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root',
      {
        pam_module: 'pam_unix',
        pam_service: 'sshd',
        pam_type: 'auth',
        event: 'auth_failure',
        uid: '0',
        euid: '0',
        tty: 'ssh',
        rhost: '203.0.113.5',
        src_ip: '203.0.113.5',
        user: 'root',
        outcome: 'failure',
      },
    ],
    [
      'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root',
      {
        pam_module: 'pam_unix',
        pam_service: 'su',
        pam_type: 'auth',
        event: 'auth_failure',
        logname: 'alice',
        uid: '1000',
        euid: '0',
        tty: '/dev/pts/0',
        ruser: 'alice',
        user: 'root',
        outcome: 'failure',
        severity_hint: 'high',
      },
    ],
    [
      'pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)',
      {
        pam_module: 'pam_unix',
        pam_service: 'su-l',
        pam_type: 'session',
        event: 'session_opened',
        user: 'root',
        uid: 0,
        by_user: 'alice',
        by_uid: 1000,
        outcome: 'success',
      },
    ],
    [
      'pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
      {
        pam_module: 'pam_unix',
        pam_service: 'sshd',
        pam_type: 'session',
        event: 'session_opened',
        user: 'alice',
        uid: 1000,
        by_uid: 0,
        outcome: 'success',
      },
    ],
    [
      'pam_unix(sudo:session): session closed for user root',
      { pam_module: 'pam_unix', pam_service: 'sudo', pam_type: 'session', event: 'session_closed', user: 'root', outcome: 'closed' },
    ],
    [
      'pam_unix(cron:session): session opened for user root by (uid=0)',
      {
        pam_module: 'pam_unix',
        pam_service: 'cron',
        pam_type: 'session',
        event: 'session_opened',
        user: 'root',
        by_uid: 0,
        outcome: 'success',
      },
    ],
    [
      'pam_unix(sshd:auth): check pass; user unknown',
      { pam_module: 'pam_unix', pam_service: 'sshd', pam_type: 'auth', event: 'invalid_user', invalid_user: true, outcome: 'failure' },
    ],
    ['pam_unix(sshd:auth): conversation failed', { pam_module: 'pam_unix', pam_service: 'sshd', pam_type: 'auth' }],
  ])('%s', (line, expected) => {
    expect(parsePam(line)).toEqual(expected);
  });
});

describe('parseSu: su switches, successful and failed', () => {
  it.each([
    ['(to root) alice on pts/0', { event: 'su_accepted', user: 'alice', runas_user: 'root', tty: 'pts/0', outcome: 'success' }],
    [
      'FAILED SU (to root) alice on pts/1',
      { event: 'su_failed', user: 'alice', runas_user: 'root', tty: 'pts/1', outcome: 'failure', severity_hint: 'high' },
    ],
    ['+ pts/2 bob:postgres', { event: 'su_accepted', user: 'bob', runas_user: 'postgres', tty: 'pts/2', outcome: 'success' }],
    ['- pts/2 bob:root', { event: 'su_failed', user: 'bob', runas_user: 'root', tty: 'pts/2', outcome: 'failure', severity_hint: 'high' }],
    ['pam_authenticate: Authentication failure', { event: 'su_failed', reason: 'Authentication failure', outcome: 'failure' }],
    ['su: must be run from a terminal', undefined],
  ])('%s', (line, expected) => {
    expect(parseSu(line)).toEqual(expected);
  });
});
