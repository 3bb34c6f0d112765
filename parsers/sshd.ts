// sshd's authentication lines (OpenSSH 7.x–9.x, also as `sshd-session` since 9.8) → who tried to log in,
// how, from where, and how it ended. Connection-level lines (disconnects, scans, protocol errors) are in
// sshd-connection.ts; PAM lines sshd passes on are read by pam.ts.
import { srcAddress, srcIp } from './address.ts';
import { parseSshdConnection } from './sshd-connection.ts';
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

/** sshd prefixes some lines with their log level (`error: …`, `fatal: …`); the shape after it is the same. */
const LEVEL = /^(?:error|fatal): /;
/** What OpenSSH appends to lines logged by its unprivileged pre-authentication child. */
const PREAUTH = / \[preauth\]$/;

const USER_FROM = String.raw`(invalid user |illegal user )?(.*?) from (\S+) port (\d+)`;

const login = (event: string, outcome: string) => (m: RegExpExecArray) => ({
  event,
  method: m[1]!,
  user: m[3]!,
  invalid_user: m[2] !== undefined,
  ...srcAddress(m[4], m[5]),
  outcome,
});

const SHAPES: Shape[] = [
  [new RegExp(`^Accepted (\\S+) for ${USER_FROM}`), login('login_accepted', 'success')],
  [new RegExp(`^Failed (\\S+) for ${USER_FROM}`), login('login_failed', 'failure')],
  // One method of several required (AuthenticationMethods) succeeded; the login is not done yet.
  [new RegExp(`^(?:Partial|Postponed) (\\S+) for ${USER_FROM}`), login('login_partial', 'partial')],
  [
    /^(?:Invalid|Illegal) user (.*?) from (\S+)(?: port (\d+))?$/,
    (m) => ({ event: 'invalid_user', user: m[1]!, invalid_user: true, ...srcAddress(m[2], m[3]), outcome: 'failure' }),
  ],
  // OpenSSH before 7.5 logged the invalid user again from the child, without an address.
  [/^input_userauth_request: invalid user (.*)$/, (m) => ({ event: 'invalid_user', user: m[1]!, invalid_user: true, outcome: 'failure' })],
  [
    new RegExp(`^maximum authentication attempts exceeded for ${USER_FROM}`),
    (m) => ({
      event: 'max_auth_tries',
      user: m[2]!,
      invalid_user: m[1] !== undefined,
      ...srcAddress(m[3], m[4]),
      outcome: 'failure',
      severity_hint: 'high',
    }),
  ],
  [
    /^User (\S+) from (\S+) not allowed because (.*)$/,
    (m) => ({ event: 'not_allowed', user: m[1]!, ...srcIp(m[2]), reason: m[3]!, outcome: 'refused' }),
  ],
  [
    /^ROOT LOGIN REFUSED FROM (\S+?)(?: port (\d+))?$/,
    (m) => ({ event: 'login_refused', user: 'root', ...srcAddress(m[1], m[2]), outcome: 'refused', severity_hint: 'high' }),
  ],
  // auth-pam.c: PAM's verdict on a password, with sshd's view of who and from where.
  [
    /^PAM: (.+?) for (illegal user )?(.*?) from (\S+)$/,
    (m) => ({
      event: /^Authentication failure$/i.test(m[1]!) ? 'auth_failure' : 'pam_error',
      reason: m[1]!,
      user: m[3]!,
      invalid_user: m[2] !== undefined,
      ...srcIp(m[4]),
      outcome: 'failure',
    }),
  ],
  [/^Authentication refused: (.*)$/, (m) => ({ event: 'key_refused', reason: m[1]!, outcome: 'refused' })],
  [
    /^Starting session: (\S+)(?: on (\S+))? for (\S+) from (\S+) port (\d+)/,
    (m) => ({
      event: 'session_started',
      session_type: m[1]!,
      ...(m[2] ? { tty: m[2] } : {}),
      user: m[3]!,
      ...srcAddress(m[4], m[5]),
      outcome: 'success',
    }),
  ],
];

export function parseSshd(message: string): Fields | undefined {
  const preauth = PREAUTH.test(message);
  const text = message.replace(LEVEL, '').replace(PREAUTH, '');
  return firstShape(SHAPES, text) ?? parseSshdConnection(text, preauth);
}
