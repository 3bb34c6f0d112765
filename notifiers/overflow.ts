// Fitting a message into a service's limits, once for every notifier (Apprise's `overflow=` option):
// `upstream` sends as-is and lets the service cut, `truncate` cuts with a note saying how much was dropped,
// `split` sends several messages cut at line or word boundaries and numbered [i/n].
// Lengths are counted after the module's escaping (`limits.escape`), since that is what the provider counts.
import type { Limits, Message } from './types.ts';

export const OVERFLOW_MODES = ['upstream', 'truncate', 'split'] as const;
export type Overflow = (typeof OVERFLOW_MODES)[number];

/** Room a module needs around a title it prints inside the body (markup and a line break). */
const TITLE_MARKUP = 8;

type Measure = (text: string) => number;

export function applyOverflow(message: Message, limits: Limits, mode: Overflow): Message[] {
  if (mode === 'upstream') return [message];
  const len: Measure = limits.escape ? (s) => limits.escape!(s).length : (s) => s.length;
  if (mode === 'truncate') {
    const title = cut(message.title, limits.title, len);
    return [{ ...message, title, body: truncate(message.body, bodyBudget(limits, title, len), len) }];
  }
  return split(message, limits, len);
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

function split(message: Message, limits: Limits, len: Measure): Message[] {
  if (len(message.title) <= limits.title && len(message.body) <= bodyBudget(limits, message.title, len)) return [message];
  // The counter's width depends on how many parts there are; grow the reserve until it is enough.
  for (let digits = 1; ; digits++) {
    const counter = len(` [${'9'.repeat(digits)}/${'9'.repeat(digits)}]`);
    const title = message.title ? cut(message.title, limits.title - counter, len) : '';
    // The counter lands in the title when there is one, else at the head of the body.
    const room = bodyBudget(limits, title, len) - (message.title && !limits.titleInBody ? 0 : counter);
    const bodies = splitText(message.body, Math.max(1, room), len);
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
  return len(text) <= max ? text : text.slice(0, fitPrefix(text, Math.max(0, max - 1), len)) + '…';
}

/**
 * The longest prefix length whose measured size fits `max` (binary search: escaping only ever grows text,
 * so the measure is monotone), never ending inside a surrogate pair (half an emoji renders as garbage).
 */
function fitPrefix(text: string, max: number, len: Measure): number {
  let lo = 0;
  let hi = Math.min(text.length, max);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (len(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff ? lo - 1 : lo;
}
