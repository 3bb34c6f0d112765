// login's own lines on the console and serial lines, util-linux and shadow-utils forms:
//   util-linux: FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure    ROOT LOGIN ON tty1    LOGIN ON tty2 BY alice
//   shadow:     FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure    ROOT LOGIN  on '/dev/tty1'
// `tty` is where it happened; `src_ip` only when the line names an address (login -h, telnet, rlogin).
import { srcIp } from './address.ts';
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

/** shadow writes ` on '/dev/tty1'` or ` from 'host'` where util-linux writes `FROM tty1`. */
function where(on: string | undefined, from: string | undefined): Fields {
  return { ...(on ? { tty: on } : {}), ...(from ? { src_host: from, ...srcIp(from) } : {}) };
}

const SHAPES: Shape[] = [
  [
    /^FAILED LOGIN \((\d+)\)(?: on '([^']*)')?(?: from '([^']*)')? FOR '(.*?)', (.*)$/,
    (m) => ({ event: 'login_failed', attempts: Number(m[1]), ...where(m[2], m[3]), user: m[4]!, reason: m[5]!, outcome: 'failure' }),
  ],
  [
    /^FAILED LOGIN (\d+) FROM (\S+) FOR (.*?), (.*)$/,
    (m) => ({ event: 'login_failed', attempts: Number(m[1]), ...where(undefined, m[2]), user: m[3]!, reason: m[4]!, outcome: 'failure' }),
  ],
  [
    /^FAILED LOGIN SESSION FROM (\S+) FOR (.*?), (.*)$/,
    (m) => ({ event: 'login_failed', ...where(undefined, m[1]), user: m[2]!, reason: m[3]!, outcome: 'failure' }),
  ],
  [
    /^TOO MANY LOGIN TRIES \((\d+)\)(?: on '([^']*)')?(?: from '([^']*)')? FOR '(.*?)'/,
    (m) => ({ event: 'max_auth_tries', attempts: Number(m[1]), ...where(m[2], m[3]), user: m[4]!, outcome: 'failure' }),
  ],
  [
    /^TOO MANY LOGIN TRIES \((\d+)\) FROM (\S+) FOR (.*?), (.*)$/,
    (m) => ({ event: 'max_auth_tries', attempts: Number(m[1]), ...where(undefined, m[2]), user: m[3]!, reason: m[4]!, outcome: 'failure' }),
  ],
  // Root where securetty or PAM forbids it: Wazuh rates both forms 9.
  [
    /^(?:ILLEGAL ROOT LOGIN|ROOT LOGIN REFUSED)(?: +(?:ON|on) '?([^'\s]+)'?)?(?: +(?:FROM|from) '?([^'\s]+)'?)?$/,
    (m) => ({ event: 'login_refused', user: 'root', ...where(m[1], m[2]), outcome: 'refused', severity_hint: 'high' }),
  ],
  [
    /^ROOT LOGIN +(?:ON|on) '?([^'\s]+)'?(?: +(?:FROM|from) '?([^'\s]+)'?)?$/,
    (m) => ({ event: 'login_accepted', user: 'root', ...where(m[1], m[2]), outcome: 'success' }),
  ],
  [
    /^LOGIN ON (\S+) BY (\S+)(?: FROM (\S+))?$/,
    (m) => ({ event: 'login_accepted', user: m[2]!, ...where(m[1], m[3]), outcome: 'success' }),
  ],
  [/^DIALUP AT (\S+) BY (\S+)$/, (m) => ({ event: 'login_accepted', user: m[2]!, tty: m[1]!, outcome: 'success' })],
  [
    /^'(.*?)' logged in(?: +on '([^']*)')?(?: +from '([^']*)')?/,
    (m) => ({ event: 'login_accepted', user: m[1]!, ...where(m[2], m[3]), outcome: 'success' }),
  ],
];

export function parseLogin(message: string): Fields | undefined {
  return firstShape(SHAPES, message);
}
