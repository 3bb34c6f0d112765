import { describe, expect, it } from 'vitest';
import { parseSshd } from '../../parsers/sshd.ts';

describe('parseSshd: logins with user, method and source address', () => {
  it.each([
    [
      'Failed password for root from 203.0.113.5 port 40022 ssh2',
      {
        event: 'login_failed',
        outcome: 'failure',
        method: 'password',
        user: 'root',
        invalid_user: false,
        src_ip: '203.0.113.5',
        src_port: 40022,
      },
    ],
    [
      'Failed password for invalid user admin from 198.51.100.7 port 51000 ssh2',
      {
        event: 'login_failed',
        outcome: 'failure',
        method: 'password',
        user: 'admin',
        invalid_user: true,
        src_ip: '198.51.100.7',
        src_port: 51000,
      },
    ],
    [
      'Accepted publickey for alice from 192.0.2.10 port 51234 ssh2: ED25519 SHA256:8Jd0kVq0kSVJ1uX5hZ3',
      {
        event: 'login_accepted',
        outcome: 'success',
        method: 'publickey',
        user: 'alice',
        invalid_user: false,
        src_ip: '192.0.2.10',
        src_port: 51234,
      },
    ],
    [
      'Accepted password for bob from 2001:db8::1 port 2222 ssh2',
      {
        event: 'login_accepted',
        outcome: 'success',
        method: 'password',
        user: 'bob',
        invalid_user: false,
        src_ip: '2001:db8::1',
        src_port: 2222,
      },
    ],
    [
      'Failed publickey for alice from 192.0.2.10 port 51234 ssh2: RSA SHA256:abc',
      {
        event: 'login_failed',
        outcome: 'failure',
        method: 'publickey',
        user: 'alice',
        invalid_user: false,
        src_ip: '192.0.2.10',
        src_port: 51234,
      },
    ],
    [
      'Failed keyboard-interactive/pam for invalid user oracle from 203.0.113.9 port 33 ssh2',
      {
        event: 'login_failed',
        outcome: 'failure',
        method: 'keyboard-interactive/pam',
        user: 'oracle',
        invalid_user: true,
        src_ip: '203.0.113.9',
        src_port: 33,
      },
    ],
    [
      'Invalid user test from 203.0.113.5 port 40022',
      { event: 'invalid_user', outcome: 'failure', user: 'test', invalid_user: true, src_ip: '203.0.113.5', src_port: 40022 },
    ],
    ['Invalid user  from 203.0.113.5', { event: 'invalid_user', outcome: 'failure', user: '', invalid_user: true, src_ip: '203.0.113.5' }],
  ])('%s', (line, expected) => {
    expect(parseSshd(line)).toEqual(expected);
  });

  it('reads a disconnect before authentication as aborted, with its reason and address', () => {
    expect(parseSshd('Received disconnect from 203.0.113.5 port 40022:11: Bye Bye [preauth]')).toEqual({
      event: 'preauth_disconnect',
      src_ip: '203.0.113.5',
      src_port: 40022,
      reason: 'Bye Bye',
      outcome: 'aborted',
    });
  });

  it.each(['Server listening on 0.0.0.0 port 22.', 'Server listening on :: port 22.'])('leaves %j alone', (line) => {
    expect(parseSshd(line)).toBeUndefined();
  });
});
