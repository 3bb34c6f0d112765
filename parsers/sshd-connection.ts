// sshd's connection-level lines: connections ended before or after login, clients that are not SSH
// clients (scanners, banner grabbers), and broken or unsupported protocol. Called by sshd.ts with the
// log level and ` [preauth]` already cut off.
import { srcAddress } from './address.ts';
import type { Fields } from './sudo.ts';

/** How OpenSSH names the other end: `[invalid user X |authenticating user X |user X ]IP port N`. */
const REMOTE = String.raw`(?:(invalid|authenticating|illegal) user (.*?) |user (\S+) )?(\S+) port (\d+)`;

type Shape = [RegExp, (m: RegExpExecArray, preauth: boolean) => Fields];

/** The fields `REMOTE` captured starting at group `at`. */
function remote(m: RegExpExecArray, at: number): Fields {
  const user = m[at + 1] ?? m[at + 2];
  return {
    ...(user === undefined ? {} : { user }),
    ...(m[at] === 'invalid' || m[at] === 'illegal' ? { invalid_user: true } : {}),
    ...srcAddress(m[at + 3], m[at + 4]),
  };
}

/** Ended before authentication: aborted, whoever ended it; after it, a session that closed. */
const ended = (reason: (m: RegExpExecArray) => string | undefined) => (m: RegExpExecArray, preauth: boolean) => {
  const why = reason(m);
  return {
    event: preauth ? 'preauth_disconnect' : 'disconnect',
    ...remote(m, 1),
    ...(why === undefined ? {} : { reason: why }),
    outcome: preauth ? 'aborted' : 'closed',
  };
};

const SHAPES: Shape[] = [
  [
    new RegExp(`^Connection (?:closed|reset) by ${REMOTE}$`),
    ended((m) => (m[0].startsWith('Connection reset') ? 'connection reset' : undefined)),
  ],
  [new RegExp(`^Disconnected from ${REMOTE}$`), ended(() => undefined)],
  [new RegExp(`^Disconnecting ${REMOTE}: (.*)$`), ended((m) => m[6])],
  [new RegExp(`^Received disconnect from ${REMOTE}:(\\d+): ?(.*)$`), ended((m) => m[7] || `code ${m[6]}`)],
  // A client that never sent an SSH banner: port scanners and banner grabbers.
  [
    /^Did not receive identification string from (\S+?)(?: port (\d+))?$/,
    (m) => ({ event: 'scan', ...srcAddress(m[1], m[2]), reason: 'no identification string', outcome: 'aborted' }),
  ],
  [/^kex_exchange_identification: (.*)$/, (m) => ({ event: 'scan', reason: m[1]!, outcome: 'aborted' })],
  // Something that is not SSH (HTTP, TLS, an SSH-1 client) sent where the banner belongs.
  [
    /^Bad protocol version identification '(.*)' from (\S+?)(?: port (\d+))?$/s,
    (m) => ({
      event: 'protocol_mismatch',
      ...srcAddress(m[2], m[3]),
      client_banner: m[1]!,
      outcome: 'aborted',
      severity_hint: 'high',
    }),
  ],
  [
    /^banner exchange: Connection from (\S+) port (\d+): (.*)$/,
    (m) => ({ event: 'protocol_mismatch', ...srcAddress(m[1], m[2]), reason: m[3]!, outcome: 'aborted', severity_hint: 'high' }),
  ],
  [
    /^Protocol major versions differ for (\S+) port (\d+): (.*)$/,
    (m) => ({ event: 'protocol_mismatch', ...srcAddress(m[1], m[2]), reason: m[3]!, outcome: 'aborted' }),
  ],
  [
    /^Unable to negotiate with (\S+) port (\d+): (no matching [^.]+?) found/,
    (m) => ({ event: 'negotiation_failed', ...srcAddress(m[1], m[2]), reason: m[3]!, outcome: 'aborted' }),
  ],
  [
    /^Timeout before authentication for (\S+?)(?: port (\d+))?$/,
    (m) => ({ event: 'auth_timeout', ...srcAddress(m[1], m[2]), outcome: 'aborted' }),
  ],
  [
    new RegExp(`^ssh_dispatch_run_fatal: Connection from ${REMOTE}: (.*)$`),
    (m) => ({ event: 'protocol_error', ...remote(m, 1), reason: m[6]!, outcome: 'aborted' }),
  ],
  [
    /^(Corrupted MAC on input|Corrupted check bytes on input|Bad packet length \d+)\.?$/,
    (m) => ({ event: 'protocol_error', reason: m[1]!, outcome: 'aborted' }),
  ],
  // Known exploit signatures (CVE-2002-0639's challenge-response overflow, CVE-2001-0144's CRC-32 attack).
  [
    /^(buffer_get_string: bad string|.*crc32 compensation attack.*)$/,
    (m) => ({ event: 'exploit_attempt', reason: m[1]!, outcome: 'aborted', severity_hint: 'high' }),
  ],
  [
    /^reverse mapping checking getaddrinfo for (\S+) \[(\S+)\] failed/,
    (m) => ({ event: 'reverse_dns_mismatch', src_host: m[1]!, ...srcAddress(m[2], undefined), outcome: 'info' }),
  ],
  [
    /^Address (\S+) maps to (\S+), but this does not map back to the address/,
    (m) => ({ event: 'reverse_dns_mismatch', src_host: m[2]!, ...srcAddress(m[1], undefined), outcome: 'info' }),
  ],
  [/^Connection from (\S+) port (\d+) on \S+ port \d+/, (m) => ({ event: 'connection', ...srcAddress(m[1], m[2]), outcome: 'info' })],
];

export function parseSshdConnection(text: string, preauth: boolean): Fields | undefined {
  for (const [pattern, build] of SHAPES) {
    const m = pattern.exec(text);
    if (m) return build(m, preauth);
  }
  return undefined;
}
