// The table of authentication message shapes (auth-shapes.txt) as rows: the source of truth for
// auth-shapes.test.ts and for docs/auth-shapes.md (scripts/auth-shapes-doc.ts). Kept as text so each
// shape stays one line, exactly as the program logs it (no escaping).
import { readFileSync } from 'node:fs';

export interface AuthShape {
  /** The syslog tag the program logs under. */
  app: string;
  message: string;
  event: string;
  user?: string;
  src_ip?: string;
  outcome?: string;
  /** `high` where Wazuh's ruleset rates the line 8 or more. */
  severity?: 'high';
  /** Who writes it: program and version or distribution, when the wording is theirs alone. */
  from: string;
}

export const AUTH_SHAPES_FILE = new URL('./auth-shapes.txt', import.meta.url);

const ROW = /^(\S+) \| (.*) \| (\w+)((?: \w+=(?:"[^"]*"|\S+))*)$/;
const KEYS = new Set(['user', 'src_ip', 'outcome', 'severity']);

/** The rows of `text`; a line that is not a row, a comment or a group header is an error, not skipped. */
export function parseAuthShapes(text: string): AuthShape[] {
  const rows: AuthShape[] = [];
  let from = '';
  for (const [i, line] of text.split('\n').entries()) {
    if (line.startsWith('## ')) from = line.slice(3);
    if (line === '' || line.startsWith('#')) continue;
    const m = ROW.exec(line);
    if (!m) throw new Error(`auth-shapes.txt:${i + 1}: not "program | message | event key=value…": ${line}`);
    const row: AuthShape = { app: m[1]!, message: m[2]!, event: m[3]!, from };
    for (const kv of m[4]!.matchAll(/ (\w+)=("[^"]*"|\S+)/g)) {
      if (!KEYS.has(kv[1]!)) throw new Error(`auth-shapes.txt:${i + 1}: unknown key ${kv[1]}`);
      const value = kv[2]!.startsWith('"') ? kv[2]!.slice(1, -1) : kv[2]!;
      Object.assign(row, { [kv[1]!]: value });
    }
    rows.push(row);
  }
  return rows;
}

export const AUTH_SHAPES: readonly AuthShape[] = parseAuthShapes(readFileSync(AUTH_SHAPES_FILE, 'utf8'));
