// Log text can carry NUL, ESC and other control characters (a binary file grepped, a terminal colour code).
// Chat services drop or refuse them and XML 1.0 cannot hold them at all, so every message has them replaced
// once, before any module escapes its own markup: a C0 control or DEL by its visible Unicode picture (NUL
// → ␀, ESC → ␛), a C1 control by U+FFFD. Tab and line breaks are text and stay.
import type { Message } from './types.ts';

/** Unicode's control characters (C0, DEL, C1) other than tab, line feed and carriage return. */
const CONTROL = /[^\P{Cc}\t\n\r]/gu;

export function showControlChars(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

export function withoutControlChars(m: Message): Message {
  return { ...m, title: showControlChars(m.title), body: showControlChars(m.body) };
}
