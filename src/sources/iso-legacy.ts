// What follows the PRI of a legacy header with an ISO timestamp (rsyslog's forward format, loggen without
// -P): `TS HOST TAG[PID]: MSG`, as
// /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[([^\]]*)\])?: ?([\s\S]*)$/
// reads it, but in place by character: a relay fed by rsyslog reads every line through here.
import type { RelayEvent } from '../event.ts';
import { isRegexSpace, wordEnd } from './regex-space.ts';
import { rfc3339Span, type SyslogTime } from './syslog-time.ts';

export type IsoLegacyParts = Pick<RelayEvent, 'host' | 'app' | 'procid' | 'message'> & { time: SyslogTime };

const SPACE = 0x20;
const COLON = 0x3a;
const BOM = 0xfeff;

/** Undefined when the text from `at` (just after the PRI) is not such a header. */
export function parseIsoLegacy(text: string, at: number): IsoLegacyParts | undefined {
  const tsEnd = timestampEnd(text, at);
  if (tsEnd < 0 || text.charCodeAt(tsEnd) !== SPACE) return undefined;
  const hostEnd = wordEnd(text, tsEnd + 1);
  if (hostEnd === tsEnd + 1 || text.charCodeAt(hostEnd) !== SPACE) return undefined;
  const tagStart = hostEnd + 1;
  let tagEnd = tagStart;
  for (
    let c = text.charCodeAt(tagEnd);
    tagEnd < text.length && c !== COLON && c !== 0x5b && !isRegexSpace(c);
    c = text.charCodeAt(++tagEnd)
  );
  if (tagEnd === tagStart) return undefined;
  let colon = tagEnd;
  let procid: string | undefined;
  if (text.charCodeAt(tagEnd) === 0x5b) {
    const close = text.indexOf(']', tagEnd + 1);
    if (close < 0) return undefined;
    procid = nil(text, tagEnd + 1, close);
    colon = close + 1;
  }
  if (text.charCodeAt(colon) !== COLON) return undefined;
  let messageStart = text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
  if (text.charCodeAt(messageStart) === BOM) messageStart++;
  return {
    time: rfc3339Span(text, at, tsEnd),
    host: nil(text, tsEnd + 1, hostEnd),
    app: nil(text, tagStart, tagEnd),
    procid,
    message: text.slice(messageStart),
  };
}

/** Where the ISO timestamp at `at` ends (upper-case `T` and `Z` only, any number of fraction digits), or -1. */
function timestampEnd(text: string, at: number): number {
  const shape = 'dddd-dd-ddTdd:dd:dd';
  for (let i = 0; i < shape.length; i++) {
    const c = text.charCodeAt(at + i);
    if (shape[i] === 'd' ? !isDigit(c) : c !== shape.charCodeAt(i)) return -1;
  }
  let i = at + shape.length;
  if (text.charCodeAt(i) === 0x2e) {
    const digits = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === digits) return -1;
  }
  const z = text.charCodeAt(i);
  if (z === 0x5a) return i + 1;
  if (z !== 0x2b && z !== 0x2d) return i;
  if (!isDigit(text.charCodeAt(i + 1)) || !isDigit(text.charCodeAt(i + 2))) return -1;
  i += text.charCodeAt(i + 3) === COLON ? 4 : 3;
  return isDigit(text.charCodeAt(i)) && isDigit(text.charCodeAt(i + 1)) ? i + 2 : -1;
}

function nil(text: string, start: number, end: number): string | undefined {
  return end === start || (end === start + 1 && text.charCodeAt(start) === 0x2d) ? undefined : text.slice(start, end);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
