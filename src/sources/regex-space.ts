// The characters a JavaScript regex's `\s` matches, tested on a char code: the syslog headers are read
// character by character, and where they say "no spaces" (`\S+`) they keep meaning what the regexes
// they replaced meant, NBSP and BOM included.

export function isRegexSpace(c: number): boolean {
  if (c > 0x20 && c < 0xa0) return false;
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Where the run of non-space characters starting at `at` ends (`text.length` at the end). */
export function wordEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Printable ASCII, what header fields are made of, is never a space: two comparisons instead of twelve.
    if ((c <= 0x20 || c >= 0x7f) && isRegexSpace(c)) break;
    i++;
  }
  return i;
}
