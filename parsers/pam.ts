// PAM module lines, whichever program logged them (sshd, su, sudo, login, cron):
//   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root
//   pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)
import type { Fields } from './sudo.ts';

const HEAD = /^(pam_\w+)\((\S+?):(\w+)\): (.*)$/s;
const FAILURE = /^authentication failure;(.*)$/s;
const SESSION = /^session (opened|closed) for user ([^\s(]+)(?:\(uid=(\d+)\))?(?: by ([^\s(]*)(?:\(uid=(\d+)\))?)?/;

export function parsePam(message: string): Fields | undefined {
  const head = HEAD.exec(message);
  if (!head) return undefined;
  const base: Fields = { pam_module: head[1]!, pam_service: head[2]!, pam_type: head[3]! };
  const text = head[4]!;
  const failure = FAILURE.exec(text);
  if (failure) {
    const pairs: Fields = {};
    // Empty values (`ruser= `) are left out: "no value" is not a value a rule should match on.
    for (const m of failure[1]!.matchAll(/(\w+)=(\S*)/g)) if (m[2] !== '') pairs[m[1]!] = m[2]!;
    return { ...base, event: 'auth_failure', ...pairs };
  }
  const session = SESSION.exec(text);
  if (session) {
    return {
      ...base,
      event: session[1] === 'opened' ? 'session_opened' : 'session_closed',
      user: session[2]!,
      ...(session[3] === undefined ? {} : { uid: Number(session[3]) }),
      ...(session[4] ? { by_user: session[4] } : {}),
      ...(session[5] === undefined ? {} : { by_uid: Number(session[5]) }),
    };
  }
  return base;
}
