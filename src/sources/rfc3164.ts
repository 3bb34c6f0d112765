// What follows the PRI of an RFC 3164 (BSD) line: `Mmm dd hh:mm:ss[.frac] [HOSTNAME ]CONTENT`, CONTENT
// starting with a TAG (`sshd:`, `sshd[4242]:`, `sshd[4242]`) when there is one. nsyslog-parser invents a
// tag from the first words when there is none (RFC 3164 §5.4's `Use the BFG!` became app=Use procid=the
// msg=BFG!); here a word is the app only when a `:` or a `[pid]` makes it a tag, procid only comes from
// `[pid]`, and otherwise the whole CONTENT is the message.
import type { RelayEvent } from '../event.ts';
import { bsdTime, type SyslogTime } from './syslog-time.ts';

export type Rfc3164Parts = Pick<RelayEvent, 'host' | 'app' | 'procid' | 'message'> & { time: SyslogTime };

/** `Nov  3 09:14:15`, with a fraction (`.123456`) or a year (`Nov  3 2026 09:14:15`, Cisco) when the sender adds one. */
const HEADER = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: +|$)/;
/** TAG: up to 48 characters without space, `:` or brackets, then `[pid]` and/or `:`. */
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]\s]*)\])?(:)?(?: +|$)/;

/** Undefined when the text does not start with a BSD timestamp. */
export function parseRfc3164(text: string, receivedAt: Date): Rfc3164Parts | undefined {
  const h = HEADER.exec(text);
  if (!h) return undefined;
  const [head, month, day, year, hh, mm, ss, frac] = h as unknown as [string, string, string, string | undefined, string, string, string, string | undefined];
  const time = bsdTime(head.trim(), { month, day: Number(day), year: year ? Number(year) : undefined, h: Number(hh), mi: Number(mm), s: Number(ss), frac }, receivedAt);
  let rest = text.slice(head.length);
  let host: string | undefined;
  // A first word that is itself a tag means the sender left the hostname out (local lines, some devices).
  if (!tagOf(rest)) {
    const space = rest.indexOf(' ');
    host = space < 0 ? rest : rest.slice(0, space);
    rest = space < 0 ? '' : rest.slice(space + 1).trimStart();
  }
  const tag = tagOf(rest);
  if (tag) {
    return { time, host: host || undefined, app: tag[1], procid: tag[2] || undefined, message: rest.slice(tag[0].length).trimEnd() };
  }
  return { time, host: host || undefined, message: rest.trimEnd() };
}

/** The TAG at the start of `content`: a word is one only when a `[pid]` or a `:` follows it. */
function tagOf(content: string): RegExpExecArray | undefined {
  const t = TAG.exec(content);
  return t && (t[2] !== undefined || t[3] !== undefined) ? t : undefined;
}
