// su's own lines (util-linux and shadow forms); PAM lines from su go to pam.ts.
//   (to root) alice on pts/0          FAILED SU (to root) alice on pts/0
//   + pts/0 alice:root                - pts/0 alice:root
import type { Fields } from './sudo.ts';

const UTIL_LINUX = /^(FAILED SU )?\(to (\S+)\) (\S+) on (\S+)/;
const SHADOW = /^([+-]) (\S+) ([^:\s]+):(\S+)/;

export function parseSu(message: string): Fields | undefined {
  const u = UTIL_LINUX.exec(message);
  if (u) return { event: u[1] ? 'su_failed' : 'su_accepted', user: u[3]!, runas_user: u[2]!, tty: u[4]! };
  const s = SHADOW.exec(message);
  if (s) return { event: s[1] === '+' ? 'su_accepted' : 'su_failed', user: s[3]!, runas_user: s[4]!, tty: s[2]! };
  return undefined;
}
