// What was last read from a span of text, handed back when the next span holds the same characters. A flood
// repeats its hosts, apps and procids, and (at second or millisecond resolution) its timestamps, line after
// line: each fresh copy was a string or a Date the 1 MiB young generation had to collect, and reading a
// timestamp is the parser's dearest step. The memo keeps the last line's text, not a copy: a miss costs a
// comparison, never an allocation.
export class SpanMemo<T> {
  #text = '';
  #start = 0;
  #end = -1;
  #value: T | undefined;

  /** The value stored for a span with the same characters as `text` from `start` to `end`, else undefined. */
  lookup(text: string, start: number, end: number): T | undefined {
    const n = end - start;
    if (n !== this.#end - this.#start) return undefined;
    const seen = this.#text;
    const offset = this.#start - start;
    for (let i = start; i < end; i++) if (text.charCodeAt(i) !== seen.charCodeAt(i + offset)) return undefined;
    return this.#value;
  }

  /** Remembers `value` as what the span of `text` from `start` to `end` reads as; returns it. */
  store(text: string, start: number, end: number, value: T): T {
    this.#text = text;
    this.#start = start;
    this.#end = end;
    this.#value = value;
    return value;
  }
}
