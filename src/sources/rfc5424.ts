// Strict parser for what follows the PRI of an RFC 5424 line. nsyslog-parser guesses these fields by
// splitting on spaces, which drops SD-IDs without an `@` (`[origin ip="…"]`), mangles escaped quotes and
// reads `[x a="b"]` inside the free-text MSG as structured data, letting a message forge fields. Every
// line of a flood may come through here, so the header is read in place by character, not by regex and
// slices of slices.
import type { RelayEvent } from '../event.ts';
import { wordEnd } from './regex-space.ts';
import { SpanMemo } from './span-memo.ts';
import { NO_TIME, rfc3339Span, type SyslogTime } from './syslog-time.ts';

export type Rfc5424Parts = Pick<RelayEvent, 'host' | 'app' | 'procid' | 'msgid' | 'structuredData' | 'message'> & { time: SyslogTime };

const SPACE = 0x20;
const DASH = 0x2d;
const BOM = 0xfeff;
const HEADER_ERROR = 'header is not VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID';
/** The last HOSTNAME, APP-NAME, PROCID and MSGID read: the next line's, when the same, is that string again (span-memo.ts). */
const HOSTS = new SpanMemo<string>();
const APPS = new SpanMemo<string>();
const PROCIDS = new SpanMemo<string>();
const MSGIDS = new SpanMemo<string>();

/**
 * Where the header continues after RFC 5424's VERSION (1-3 digits, no leading zero) and its space at
 * `start`, or -1 when there is none there.
 */
export function afterVersion(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (!(first >= 0x31 && first <= 0x39)) return -1;
  let i = start + 1;
  while (i < start + 3 && isDigit(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === SPACE ? i + 1 : -1;
}

/**
 * Parses `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]` from `at` (just
 * after the PRI) to the end of `text`; throws SyntaxError saying what is wrong, with offsets counted from
 * `at`. Each header field is a run of non-space characters followed by exactly one space. The parts are
 * written to `out` (every one of them) and returned: a caller that copies them on at once can pass the
 * same object for every line instead of having one made per line.
 */
export function parseRfc5424(text: string, at: number, out: Rfc5424Parts = { time: NO_TIME, message: '' }): Rfc5424Parts {
  const start = afterVersion(text, at);
  if (start < 0) throw new SyntaxError(HEADER_ERROR);
  const tsEnd = field(text, start);
  const hostEnd = field(text, tsEnd + 1);
  const appEnd = field(text, hostEnd + 1);
  const procidEnd = field(text, appEnd + 1);
  const msgidEnd = field(text, procidEnd + 1);
  const sdStart = msgidEnd + 1;
  let structuredData: Record<string, Record<string, string>> | undefined;
  let sdEnd: number;
  if (text.charCodeAt(sdStart) === DASH) {
    sdEnd = sdStart + 1;
  } else {
    const sd = parseStructuredData(text, sdStart, at);
    structuredData = sd.data;
    sdEnd = sd.end;
  }
  let message = '';
  if (sdEnd < text.length) {
    if (text.charCodeAt(sdEnd) !== SPACE) throw new SyntaxError('no space between STRUCTURED-DATA and MSG');
    message = text.slice(text.charCodeAt(sdEnd + 1) === BOM ? sdEnd + 2 : sdEnd + 1);
  }
  // NILVALUE is a sender without a clock, not an error; anything else must be a real RFC 3339 time.
  out.time = tsEnd === start + 1 && text.charCodeAt(start) === DASH ? NO_TIME : rfc3339Span(text, start, tsEnd);
  out.host = nil(text, tsEnd + 1, hostEnd, HOSTS);
  out.app = nil(text, hostEnd + 1, appEnd, APPS);
  out.procid = nil(text, appEnd + 1, procidEnd, PROCIDS);
  out.msgid = nil(text, procidEnd + 1, msgidEnd, MSGIDS);
  out.structuredData = structuredData;
  out.message = message;
  return out;
}

/** The end of the header field at `at`: one or more non-space characters, then a space (which must be a plain one). */
function field(text: string, at: number): number {
  const end = wordEnd(text, at);
  if (end === at || text.charCodeAt(end) !== SPACE) throw new SyntaxError(HEADER_ERROR);
  return end;
}

/** The field's text, or undefined for NILVALUE. */
function nil(text: string, start: number, end: number, memo: SpanMemo<string>): string | undefined {
  if (end === start + 1 && text.charCodeAt(start) === DASH) return undefined;
  return memo.lookup(text, start, end) ?? memo.store(text, start, end, text.slice(start, end));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function parseStructuredData(s: string, start: number, at: number): { data: Record<string, Record<string, string>>; end: number } {
  const data: Record<string, Record<string, string>> = {};
  let i = start;
  while (s[i] === '[') {
    const idEnd = nameEnd(s, i + 1, at);
    const id = s.slice(i + 1, idEnd);
    i = idEnd;
    const params: Record<string, string> = {};
    while (s[i] === ' ') {
      const end = nameEnd(s, i + 1, at);
      if (s[end] !== '=' || s[end + 1] !== '"') throw new SyntaxError(`SD-PARAM ${s.slice(i + 1, end)} is not name="value"`);
      const value = readValue(s, end + 2);
      define(params, s.slice(i + 1, end), value.value);
      i = value.end;
    }
    if (s[i] !== ']') throw new SyntaxError(`SD-ELEMENT ${id} is not closed by ]`);
    i++;
    define(data, id, params);
  }
  if (i === start) throw new SyntaxError('STRUCTURED-DATA is neither - nor [SD-ELEMENT]');
  return { data, end: i };
}

/**
 * An own property, as Object.fromEntries would define it (a third of the cost): only `__proto__` needs
 * defining, so that an SD-ID or PARAM-NAME of that name stays data instead of replacing the prototype.
 */
function define<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** SD-NAME: 1-32 printable ASCII characters except `=`, space, `]` and `"`; returns where it ends. */
function nameEnd(s: string, start: number, at: number): number {
  let i = start;
  while (i < s.length && i - start <= 32) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  if (i === start || i - start > 32) throw new SyntaxError(`bad SD name at offset ${start - at}`);
  return i;
}

/** PARAM-VALUE up to the closing quote; `\"`, `\\` and `\]` are escapes, any other backslash is literal. */
function readValue(s: string, start: number): { value: string; end: number } {
  let out = '';
  let from = start;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { value: out + s.slice(from, i), end: i + 1 };
    if (c === 0x5c) {
      const next = s.charCodeAt(i + 1);
      if (next === 0x22 || next === 0x5c || next === 0x5d) {
        // The backslash goes, the character it escapes stays.
        out += s.slice(from, i);
        from = ++i;
      }
    }
  }
  throw new SyntaxError('unterminated PARAM-VALUE');
}
