// Strict parser for what follows the PRI of an RFC 5424 line. nsyslog-parser guesses these fields by
// splitting on spaces, which drops SD-IDs without an `@` (`[origin ip="…"]`), mangles escaped quotes and
// reads `[x a="b"]` inside the free-text MSG as structured data, letting a message forge fields.
import type { RelayEvent } from '../event.ts';
import { rfc3339Time, type SyslogTime } from './syslog-time.ts';

export type Rfc5424Parts = Pick<RelayEvent, 'host' | 'app' | 'procid' | 'msgid' | 'structuredData' | 'message'> & { time: SyslogTime };

// VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
const HEADER = /^[1-9]\d{0,2} (\S+) (\S+) (\S+) (\S+) (\S+) /;
const BOM = '\uFEFF';

/** Parses `VERSION SP … SD [SP MSG]`; throws SyntaxError saying what is wrong. */
export function parseRfc5424(text: string): Rfc5424Parts {
  const h = HEADER.exec(text);
  if (!h) throw new SyntaxError('header is not VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID');
  const [head, ts, host, app, procid, msgid] = h as unknown as [string, string, string, string, string, string];
  const sd = parseStructuredData(text, head.length);
  let message = '';
  if (sd.end < text.length) {
    if (text[sd.end] !== ' ') throw new SyntaxError('no space between STRUCTURED-DATA and MSG');
    message = text.slice(sd.end + 1);
    if (message.startsWith(BOM)) message = message.slice(1);
  }
  return {
    // NILVALUE is a sender without a clock, not an error; anything else must be a real RFC 3339 time.
    time: ts === '-' ? {} : rfc3339Time(ts),
    host: nil(host),
    app: nil(app),
    procid: nil(procid),
    msgid: nil(msgid),
    structuredData: sd.data,
    message,
  };
}

function nil(v: string): string | undefined {
  return v === '-' ? undefined : v;
}

function parseStructuredData(s: string, start: number): { data?: Record<string, Record<string, string>>; end: number } {
  if (s[start] === '-') return { end: start + 1 };
  const elements: [string, Record<string, string>][] = [];
  let i = start;
  while (s[i] === '[') {
    const id = readName(s, i + 1);
    i = id.end;
    const params: [string, string][] = [];
    while (s[i] === ' ') {
      const name = readName(s, i + 1);
      if (s[name.end] !== '=' || s[name.end + 1] !== '"') throw new SyntaxError(`SD-PARAM ${name.value} is not name="value"`);
      const value = readValue(s, name.end + 2);
      params.push([name.value, value.value]);
      i = value.end;
    }
    if (s[i] !== ']') throw new SyntaxError(`SD-ELEMENT ${id.value} is not closed by ]`);
    i++;
    // fromEntries defines own properties, so an SD-ID like __proto__ stays data.
    elements.push([id.value, Object.fromEntries(params)]);
  }
  if (i === start) throw new SyntaxError('STRUCTURED-DATA is neither - nor [SD-ELEMENT]');
  return { data: Object.fromEntries(elements), end: i };
}

/** SD-NAME: 1-32 printable ASCII characters except `=`, space, `]` and `"`. */
function readName(s: string, start: number): { value: string; end: number } {
  let i = start;
  while (i < s.length && i - start <= 32) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  if (i === start || i - start > 32) throw new SyntaxError(`bad SD name at offset ${start}`);
  return { value: s.slice(start, i), end: i };
}

/** PARAM-VALUE up to the closing quote; `\"`, `\\` and `\]` are escapes, any other backslash is literal. */
function readValue(s: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === ']')) {
      out += s[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  throw new SyntaxError('unterminated PARAM-VALUE');
}
