// Fitting a message into a service's limits, once for every notifier (Apprise's `overflow=` option):
// `upstream` sends as-is and lets the service cut, `truncate` cuts with a note saying how much was dropped,
// `split` sends several messages cut at line or word boundaries and numbered [i/n].
import type { Limits, Message } from './types.ts';

export const OVERFLOW_MODES = ['upstream', 'truncate', 'split'] as const;
export type Overflow = (typeof OVERFLOW_MODES)[number];

/** Room a module needs around a title it prints inside the body (markup and a line break). */
const TITLE_MARKUP = 8;

export function applyOverflow(message: Message, limits: Limits, mode: Overflow): Message[] {
  if (mode === 'upstream') return [message];
  if (mode === 'truncate') {
    const title = cut(message.title, limits.title);
    return [{ ...message, title, body: truncate(message.body, bodyBudget(limits, title)) }];
  }
  return split(message, limits);
}

/** Cut `text` to `max` units, replacing the tail with "… (N more chars)" so nothing vanishes silently. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Size the note for the largest N it could print, so head + note always fits.
  const widest = `… (${text.length} more chars)`.length;
  if (max <= widest) return safeCut(text, max);
  const head = safeCut(text, max - widest);
  return `${head}… (${text.length - head.length} more chars)`;
}

/** Break `text` into pieces of at most `max` units, preferring line ends, then spaces, then a hard cut. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let at = window.lastIndexOf('\n');
    if (at < max / 2) at = window.lastIndexOf(' ');
    if (at < max / 2) {
      parts.push(safeCut(rest, max));
      rest = rest.slice(parts[parts.length - 1]!.length);
      continue;
    }
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1); // the separator we cut at is not part of either piece
  }
  parts.push(rest);
  return parts;
}

function split(message: Message, limits: Limits): Message[] {
  if (message.title.length <= limits.title && message.body.length <= bodyBudget(limits, message.title)) return [message];
  // The counter's width depends on how many parts there are; grow the reserve until it is enough.
  for (let digits = 1; ; digits++) {
    const counter = ` [${'9'.repeat(digits)}/${'9'.repeat(digits)}]`.length;
    const title = message.title ? cut(message.title, limits.title - counter) : '';
    // The counter lands in the title when there is one, else at the head of the body.
    const room = bodyBudget(limits, title) - (message.title && !limits.titleInBody ? 0 : counter);
    const bodies = splitText(message.body, Math.max(1, room));
    const n = bodies.length;
    if (String(n).length > digits) continue;
    return bodies.map((body, i) => {
      const tag = `[${i + 1}/${n}]`;
      return message.title ? { ...message, title: `${title} ${tag}`, body } : { ...message, title, body: `${tag} ${body}` };
    });
  }
}

function bodyBudget(limits: Limits, title: string): number {
  return limits.titleInBody && title ? limits.body - title.length - TITLE_MARKUP : limits.body;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : safeCut(text, Math.max(0, max - 1)) + '…';
}

/** Slice without splitting a surrogate pair (an emoji cut in half renders as garbage). */
function safeCut(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
