// Fitting a message into a service's limits, once for every notifier (Apprise's `overflow=` option):
// `upstream` sends as-is and lets the service cut, `truncate` cuts with a note saying how much was dropped,
// `split` sends several messages cut at line or word boundaries and numbered [i/n]. A message that lists
// alerts (LIST_ENTRY lines: a release, a backlog digest) is split between its entries in `truncate` mode too:
// cutting it would drop whole alerts. Lengths are counted after the module's escaping (`limits.escape`) and in
// the provider's own unit (`limits.unit`), since that is what the provider counts; a module whose provider
// also caps the whole request (`limits.request`) gets parts small enough for that too.
import { LIST_ENTRY, type LengthUnit, type Limits, type Message } from './types.ts';

export const OVERFLOW_MODES = ['upstream', 'truncate', 'split'] as const;
export type Overflow = (typeof OVERFLOW_MODES)[number];

/** Room a module needs around a title it prints inside the body (markup and a line break). */
const TITLE_MARKUP = 8;

type Measure = (text: string) => number;

const SURROGATE_PAIRS = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

const COUNTERS: Record<LengthUnit, Measure> = {
  utf16: (s) => s.length,
  codepoints: (s) => s.length - (s.match(SURROGATE_PAIRS)?.length ?? 0),
  bytes: (s) => Buffer.byteLength(s, 'utf8'),
};

/** How `relay notifiers` and the README name each unit. */
export const UNIT_NAMES: Record<LengthUnit, string> = { utf16: 'UTF-16 units', codepoints: 'code points', bytes: 'bytes' };

/** A text's length as the provider counts it: escaped as the module sends it, in the provider's unit. */
export function measure(limits: Pick<Limits, 'unit' | 'escape'>): Measure {
  const count = COUNTERS[limits.unit];
  const escaped = limits.escape;
  return escaped ? (s) => count(escaped(s)) : count;
}

export function applyOverflow(message: Message, limits: Limits, mode: Overflow): Message[] {
  if (mode === 'upstream') return [message];
  const len = measure(limits);
  const splits = mode === 'split' || isList(message.body);
  // Shrink the body's room until every part's whole request fits too; each round takes at least an eighth off.
  for (let room = limits.body; ; ) {
    const fitted = { ...limits, body: room };
    const parts = splits ? split(message, fitted, len) : [truncated(message, fitted, len)];
    const over = limits.request ? Math.max(...parts.map((p) => limits.request!.size(p) - limits.request!.bytes)) : 0;
    if (over <= 0 || room <= 1) return parts;
    room = Math.max(1, room - Math.max(over, Math.ceil(room / 8)));
  }
}

/**
 * The same message in parts of about half its body each: for a provider that answered 413 to it. A title
 * printed inside the body keeps its room (with a counter's), so halving never leaves the text none.
 */
export function splitSmaller(message: Message, limits: Limits): Message[] {
  const len = measure(limits);
  const title = limits.titleInBody && message.title ? len(message.title) + TITLE_MARKUP + len(' [99/99]') : 0;
  const room = Math.max(1, Math.floor(len(message.body) / 2)) + title;
  return split(message, { ...limits, body: Math.min(limits.body, room) }, len);
}

function isList(body: string): boolean {
  return body.startsWith(LIST_ENTRY) || body.includes(`\n${LIST_ENTRY}`);
}

function truncated(message: Message, limits: Limits, len: Measure): Message {
  const title = cut(message.title, limits.title, len);
  return { ...message, title, body: truncate(message.body, bodyBudget(limits, title, len), len) };
}

/** Cut `text` to `max`, replacing the tail with "… (N more chars)" so nothing vanishes silently. */
export function truncate(text: string, max: number, len: Measure = (s) => s.length): string {
  if (len(text) <= max) return text;
  // Size the note for the largest N it could print, so head + note always fits.
  const widest = len(`… (${text.length} more chars)`);
  if (max <= widest) return text.slice(0, fitPrefix(text, max, len));
  const head = text.slice(0, fitPrefix(text, max - widest, len));
  return `${head}… (${text.length - head.length} more chars)`;
}

/** Break `text` into pieces of at most `max`, preferring line ends, then spaces, then a hard cut. */
export function splitText(text: string, max: number, len: Measure = (s) => s.length): string[] {
  const parts: string[] = [];
  let rest = text;
  while (len(rest) > max) {
    const fits = fitPrefix(rest, max, len);
    const window = rest.slice(0, fits + 1);
    let at = window.lastIndexOf('\n');
    if (at < fits / 2) at = window.lastIndexOf(' ');
    if (at < fits / 2 || at <= 0) {
      parts.push(rest.slice(0, Math.max(1, fits)));
      rest = rest.slice(parts[parts.length - 1]!.length);
      continue;
    }
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1); // the separator we cut at is not part of either piece
  }
  parts.push(rest);
  return parts;
}

/**
 * Break a list into pieces of at most `max`, each holding whole entries (an entry line and the indented lines
 * under it) in their order; only an entry longer than `max` on its own is broken, at its line ends first.
 * Lines join with "\n", which starts a line in every format, so a piece's size is the sum of its lines'.
 */
export function splitList(text: string, max: number, len: Measure = (s) => s.length): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (entries.length === 0 || line.startsWith(LIST_ENTRY)) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  const newline = len('\n');
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const entry of entries) {
    for (const piece of len(entry) <= max ? [entry] : splitText(entry, max, len)) {
      const grown = size + (current.length > 0 ? newline : 0) + len(piece);
      if (current.length > 0 && grown > max) {
        parts.push(current.join('\n'));
        current = [piece];
        size = len(piece);
      } else {
        current.push(piece);
        size = grown;
      }
    }
  }
  parts.push(current.join('\n'));
  return parts;
}

function split(message: Message, limits: Limits, len: Measure): Message[] {
  if (len(message.title) <= limits.title && len(message.body) <= bodyBudget(limits, message.title, len)) return [message];
  const pieces = isList(message.body) ? splitList : splitText;
  // The counter's width depends on how many parts there are; grow the reserve until it is enough.
  for (let digits = 1; ; digits++) {
    const counter = len(` [${'9'.repeat(digits)}/${'9'.repeat(digits)}]`);
    const title = message.title ? cut(message.title, limits.title - counter, len) : '';
    // The counter lands in the title when there is one, else at the head of the body.
    const room = bodyBudget(limits, title, len) - (message.title && !limits.titleInBody ? 0 : counter);
    const bodies = pieces(message.body, Math.max(1, room), len);
    const n = bodies.length;
    if (String(n).length > digits) continue;
    return bodies.map((body, i) => {
      const tag = `[${i + 1}/${n}]`;
      return message.title ? { ...message, title: `${title} ${tag}`, body } : { ...message, title, body: `${tag} ${body}` };
    });
  }
}

function bodyBudget(limits: Limits, title: string, len: Measure): number {
  return limits.titleInBody && title ? limits.body - len(title) - TITLE_MARKUP : limits.body;
}

function cut(text: string, max: number, len: Measure): string {
  return len(text) <= max ? text : text.slice(0, fitPrefix(text, Math.max(0, max - len('…')), len)) + '…';
}

/**
 * The longest prefix length whose measured size fits `max` (binary search: escaping only ever grows text,
 * so the measure is monotone), never ending inside a surrogate pair (half an emoji renders as garbage).
 */
function fitPrefix(text: string, max: number, len: Measure): number {
  let lo = 0;
  let hi = Math.min(text.length, max * 4);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (len(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff ? lo - 1 : lo;
}
