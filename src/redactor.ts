// Masks secrets in text that leaves relay (log lines, error messages, command output). Every value that
// config substitution brought in from `${env:}` or `${file:}` is recorded here and printed as `****`,
// wherever it ends up: a URL's host, path or query, a template, a provider's error answer.

export const MASK = '****';

/** Shorter values are not masked: "on", "1" or "web" would blot out every line they happen to occur in. */
const MIN_LENGTH = 4;
/**
 * Numbers and JSON's literals are not masked either: they are ports and flags, not secrets, and masking them
 * would turn `"port":5514` in a JSON log line into `"port":****`, which no log shipper can read.
 */
const NOT_SECRET = /^(-?\d+(\.\d+)?|true|false|null)$/;

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Record a secret: the whole value and each line of it (a file may hold several), in the forms it is printed in. */
  add(value: string): void {
    for (const part of [value, ...value.split(/\r?\n/)]) {
      const text = part.trim();
      if (text.length < MIN_LENGTH || NOT_SECRET.test(text)) continue;
      // A log line is JSON, and a URL prints its parts percent-encoded: the same secret, other bytes.
      for (const form of [text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text), encodeURI(text)]) this.secrets.add(form);
    }
    this.pattern = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= alternation([...this.secrets]);
    return text.replace(this.pattern, MASK);
  }
}

/** Longest first, so a secret that contains another is masked whole. */
function alternation(secrets: string[]): RegExp {
  const sorted = secrets.sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

/** The process's secrets: config loading records into it, the logger and every printed message read from it. */
export const redactor = new Redactor();

export function redact(text: string): string {
  return redactor.redact(text);
}
