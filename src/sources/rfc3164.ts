// What follows the PRI of an RFC 3164 (BSD) line: `Mmm dd hh:mm:ss[.frac] [HOSTNAME ]CONTENT`, CONTENT
// starting with a TAG (`sshd:`, `sshd[4242]:`, `sshd[4242]`) when there is one. nsyslog-parser invents a
// tag from the first words when there is none (RFC 3164 §5.4's `Use the BFG!` became app=Use procid=the
// msg=BFG!); here a word is the app only when a `:` or a `[pid]` makes it a tag, procid only comes from
// `[pid]`, and otherwise the whole CONTENT is the message.
import type { RelayEvent } from '../event.ts';
import { isRegexSpace } from './regex-space.ts';
import { bsdTime, type SyslogTime } from './syslog-time.ts';

export type Rfc3164Parts = Pick<RelayEvent, 'host' | 'app' | 'procid' | 'message'> & { time: SyslogTime };

/** `Nov  3 09:14:15`, with a fraction (`.123456`) or a year (`Nov  3 2026 09:14:15`, Cisco) when the sender adds one. */
const HEADER = /([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: +|$)/y;
/** TAG: up to 48 characters without space, `:` or brackets, then `[pid]` and/or `:`. */
const TAG = /([^\s:[\]]{1,48})(?:\[([^\]\s]*)\])?(:)?(?: +|$)/y;

/** Undefined when the text from `at` (just after the PRI) does not start with a BSD timestamp. */
export function parseRfc3164(text: string, at: number, receivedAt: Date): Rfc3164Parts | undefined {
  HEADER.lastIndex = at;
  const h = HEADER.exec(text);
  if (!h) return undefined;
  const [head, month, day, year, hh, mm, ss, frac] = h as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
    string,
    string,
    string | undefined,
  ];
  const time = bsdTime(
    head,
    { month, day: Number(day), year: year ? Number(year) : undefined, h: Number(hh), mi: Number(mm), s: Number(ss), frac },
    receivedAt,
  );
  let rest = at + head.length;
  let host: string | undefined;
  let tag = tagAt(text, rest);
  // A first word that is itself a tag means the sender left the hostname out (local lines, some devices).
  if (!tag) {
    const space = text.indexOf(' ', rest);
    host = space < 0 ? text.slice(rest) : text.slice(rest, space);
    rest = space < 0 ? text.length : spacesEnd(text, space + 1);
    tag = tagAt(text, rest);
  }
  if (tag) {
    return { time, host: host || undefined, app: tag[1], procid: tag[2] || undefined, message: text.slice(rest + tag[0].length).trimEnd() };
  }
  return { time, host: host || undefined, message: text.slice(rest).trimEnd() };
}

/** The TAG at `at`: a word is one only when a `[pid]` or a `:` follows it. */
function tagAt(text: string, at: number): RegExpExecArray | undefined {
  TAG.lastIndex = at;
  const t = TAG.exec(text);
  return t && (t[2] !== undefined || t[3] !== undefined) ? t : undefined;
}

/** Past the spaces (any a regex's `\s` matches) from `at`. */
function spacesEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && isRegexSpace(text.charCodeAt(i))) i++;
  return i;
}
