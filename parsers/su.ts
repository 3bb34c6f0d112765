// su's own lines (util-linux and shadow-utils forms; runuser shares util-linux's); PAM lines from su go to
// pam.ts. `user` is who ran su, `runas_user` whom they asked to become.
//   util-linux: (to root) alice on pts/0          FAILED SU (to root) alice on pts/0
//   shadow:     + pts/0 alice:root   - pts/0 alice:root   Successful su for root by alice   FAILED su for root by alice
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

const switched = (failed: boolean, user: string, runas: string, tty?: string): Fields => ({
  event: failed ? 'su_failed' : 'su_accepted',
  user,
  runas_user: runas,
  ...(tty === undefined ? {} : { tty }),
  outcome: failed ? 'failure' : 'success',
  // A failed switch to root is what Wazuh rates 9 among su lines; others stay ordinary.
  ...(failed && runas === 'root' ? { severity_hint: 'high' } : {}),
});

const SHAPES: Shape[] = [
  [/^(FAILED (?:SU|RUNUSER) )?\(to (\S+)\) (\S+) on (\S+)/, (m) => switched(m[1] !== undefined, m[3]!, m[2]!, m[4])],
  [/^([+-]) (\S+) ([^:\s]+):(\S+)/, (m) => switched(m[1] === '-', m[3]!, m[4]!, m[2])],
  [/^(Successful|FAILED) su for (\S+) by (\S+)/, (m) => switched(m[1] === 'FAILED', m[3]!, m[2]!)],
  // shadow's su says only that PAM refused; who asked for whom is in the pam_unix line beside it.
  [/^pam_authenticate: (.*)$/, (m) => ({ event: 'su_failed', reason: m[1]!, outcome: 'failure' })],
];

export function parseSu(message: string): Fields | undefined {
  return firstShape(SHAPES, message);
}
