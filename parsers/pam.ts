// Linux-PAM module lines, whichever program logged them (sshd, su, sudo, login, cron, passwd):
//   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root
//   pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)
// and the module-less forms older pam_unix builds wrote (`PAM 2 more authentication failures; …`).
import { srcIp } from './address.ts';
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

const HEAD = /^(pam_\w+)\((\S+?):(\w+)\): (.*)$/s;
/** Older pam_unix wrote its repeat lines as `PAM …` with no module or service. */
const BARE = /^PAM (.*)$/s;
const SESSION = /^session (opened|closed) for user ([^\s(]+)(?:\(uid=(\d+)\))?(?: by ([^\s(]*)(?:\(uid=(\d+)\))?)?/;

/** `key=value` pairs as pam_unix writes them; empty values (`ruser= `) are not a value a rule should match on. */
function pairs(text: string): Fields {
  const out: Fields = {};
  for (const m of text.matchAll(/(\w+)=(\S*)/g)) if (m[2] !== '') out[m[1]!] = m[2]!;
  return { ...out, ...srcIp(out.rhost as string | undefined) };
}

const SHAPES: Shape[] = [
  [/^authentication failure;(.*)$/s, (m) => ({ event: 'auth_failure', ...pairs(m[1]!), outcome: 'failure' })],
  [
    /^(\d+) more authentication failures?;(.*)$/s,
    (m) => ({ event: 'repeated_auth_failures', more_failures: Number(m[1]), ...pairs(m[2]!), outcome: 'failure', severity_hint: 'high' }),
  ],
  [
    /^service\((\S+)\) ignoring max retries; (\d+) > (\d+)$/,
    (m) => ({ event: 'pam_max_retries', service: m[1]!, attempts: Number(m[2]), max_retries: Number(m[3]), outcome: 'failure' }),
  ],
  [/^check pass; user unknown$/, () => ({ event: 'invalid_user', invalid_user: true, outcome: 'failure' })],
  [/^bad username \[(.*)\]$/, (m) => ({ event: 'invalid_user', user: m[1]!, invalid_user: true, outcome: 'failure' })],
  [/^password changed for (\S+)$/, (m) => ({ event: 'password_changed', user: m[1]!, outcome: 'success' })],
  [/^account (\S+) has expired/, (m) => ({ event: 'account_expired', user: m[1]!, outcome: 'refused' })],
  [/^expired password for user (\S+)/, (m) => ({ event: 'password_expired', user: m[1]!, outcome: 'refused' })],
  // pam_tally2 and pam_faillock: the account is locked after too many failures, whoever tries next.
  [
    /^user (\S+) \((\d+)\) tally (\d+), deny (\d+)$/,
    (m) => ({ event: 'account_locked', user: m[1]!, uid: m[2]!, tally: Number(m[3]), deny: Number(m[4]), outcome: 'refused' }),
  ],
  [
    /^Consecutive login failures for user (\S+) account temporarily locked$/,
    (m) => ({ event: 'account_locked', user: m[1]!, outcome: 'refused' }),
  ],
  [
    /^requirement "(.*)" not met by user "(.*)"$/,
    (m) => ({ event: 'not_allowed', user: m[2]!, reason: `requirement ${m[1]!} not met`, outcome: 'refused' }),
  ],
  [
    /^access denied for user [`'](.*?)' from [`'](.*?)'$/,
    (m) => ({ event: 'not_allowed', user: m[1]!, ...srcIp(m[2]), reason: 'pam_access', outcome: 'refused' }),
  ],
];

/** su to root with a wrong password: Wazuh rates it 9, as high as any single su line. */
function hint(base: Fields, found: Fields): Fields {
  const su = typeof base.pam_service === 'string' && /^su(-l)?$/.test(base.pam_service);
  return su && found.event === 'auth_failure' && found.user === 'root' ? { ...found, severity_hint: 'high' } : found;
}

function parseText(base: Fields, text: string): Fields {
  const found = firstShape(SHAPES, text);
  if (found) return { ...base, ...hint(base, found) };
  const session = SESSION.exec(text);
  if (session) {
    return {
      ...base,
      event: session[1] === 'opened' ? 'session_opened' : 'session_closed',
      user: session[2]!,
      ...(session[3] === undefined ? {} : { uid: Number(session[3]) }),
      ...(session[4] ? { by_user: session[4] } : {}),
      ...(session[5] === undefined ? {} : { by_uid: Number(session[5]) }),
      outcome: session[1] === 'opened' ? 'success' : 'closed',
    };
  }
  return base;
}

export function parsePam(message: string): Fields | undefined {
  const head = HEAD.exec(message);
  if (head) return parseText({ pam_module: head[1]!, pam_service: head[2]!, pam_type: head[3]! }, head[4]!);
  const bare = BARE.exec(message);
  if (!bare) return undefined;
  const found = parseText({}, bare[1]!);
  return found.event === undefined ? undefined : found;
}
