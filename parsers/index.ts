// Field extraction for syslog events, dispatched on the program name; pure functions, no I/O.
// Extracted fields are merged into `event.fields`, where rules (`fields.src_ip`) and templates see them.
import type { RelayEvent } from '../src/event.ts';
import { parseAccounts } from './accounts.ts';
import { parseLogin } from './login.ts';
import { parseLogind } from './logind.ts';
import { parsePam } from './pam.ts';
import { parseSshd } from './sshd.ts';
import { parseSu } from './su.ts';
import { parseSudo, type Fields } from './sudo.ts';

export type { Fields };

const BY_APP: Record<string, (message: string) => Fields | undefined> = {
  sudo: parseSudo,
  sshd: parseSshd,
  // OpenSSH 9.8 split the per-connection work out of sshd into sshd-session (10.0: sshd-auth too).
  'sshd-session': parseSshd,
  'sshd-auth': parseSshd,
  su: parseSu,
  runuser: parseSu,
  login: parseLogin,
  'systemd-logind': parseLogind,
  useradd: parseAccounts,
  usermod: parseAccounts,
  userdel: parseAccounts,
  groupadd: parseAccounts,
  groupmod: parseAccounts,
  groupdel: parseAccounts,
  gpasswd: parseAccounts,
  chage: parseAccounts,
  passwd: parseAccounts,
  chpasswd: parseAccounts,
};

/** PAM writes the same words whichever program loaded it: `pam_unix(sshd:auth): …`, or `PAM 2 more …`. */
const PAM_LINE = /^(?:pam_\w+\(|PAM \d+ more |PAM service\()/;

/** The fields a syslog message carries, or undefined when no parser knows it. */
export function extractFields(app: string | undefined, message: string): Fields | undefined {
  const text = message.trimStart();
  // PAM lines look the same whichever program loaded the module.
  if (PAM_LINE.test(text)) return parsePam(text);
  const parse = app === undefined ? undefined : BY_APP[app.toLowerCase()];
  return parse?.(text);
}

/** The event with what its message says added to `fields`; JSON events (sudo plugin) pass unchanged. */
export function parseFields(event: RelayEvent): RelayEvent {
  if (event.kind !== 'syslog') return event;
  const found = extractFields(event.app, event.message);
  return found ? { ...event, fields: { ...event.fields, ...found } } : event;
}

/**
 * The program (as parsers/ names it) when `parsed`, an event after {@link parseFields}, comes from a program
 * relay has a parser for but says nothing it recognised: a shape still to be taught.
 */
export function unparsedApp(parsed: RelayEvent): string | undefined {
  if (parsed.kind !== 'syslog' || parsed.fields.event !== undefined || parsed.app === undefined) return undefined;
  const app = parsed.app.toLowerCase();
  return Object.hasOwn(BY_APP, app) ? app : undefined;
}
