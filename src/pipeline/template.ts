// Title/body templates (Handlebars, Mustache-style `{{host}}`, `{{fields.user}}`), compiled and checked
// once at config load so a broken template is a `relay check` error, not a 3 a.m. surprise.
import Handlebars from 'handlebars';
import type { ConfigPath, ConfigProblem } from '../config/problems.ts';
import { formatDuration } from '../config/duration.ts';

export type Template = (view: Record<string, unknown>) => string;

const hb = Handlebars.create();

// The helpers templates may call; anything else is a `relay check` error (knownHelpersOnly).
//   {{time timestamp}} / {{time timestamp "local"}}   ISO 8601 UTC (or the host's local time), seconds only
//   {{truncate message 200}}                          at most N characters, "…" when cut
//   {{join fields.argv " "}}                          a list as text
//   {{default fields.user "unknown"}}                 the first value that is not empty
//   {{duration within}}                               milliseconds as 30s, 5m, 2h
hb.registerHelper('time', (value: unknown, ...rest: unknown[]) => {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  if (rest.length > 1 && rest[0] === 'local') return date.toLocaleString('sv-SE').replace(' ', 'T');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
});
hb.registerHelper('truncate', (value: unknown, max: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  const n = typeof max === 'number' && max > 0 ? max : 200;
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
});
hb.registerHelper('join', (value: unknown, ...rest: unknown[]) => {
  const sep = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : ', ';
  return Array.isArray(value) ? value.map(String).join(sep) : value === undefined || value === null ? '' : String(value);
});
hb.registerHelper('default', (...args: unknown[]) => {
  const values = args.slice(0, -1);
  return values.find((v) => v !== undefined && v !== null && v !== '') ?? '';
});
hb.registerHelper('duration', (value: unknown) => (typeof value === 'number' ? formatDuration(value) : ''));

/** Every name a template may call, relay's helpers and Handlebars' own: the compile options, and the unknown-helper message. */
const HELPER_NAMES: readonly string[] = Object.keys(hb.helpers);
const KNOWN_HELPERS: Record<string, true> = Object.fromEntries(HELPER_NAMES.map((k) => [k, true]));

export function compileTemplate(source: string, path: ConfigPath, problems: ConfigProblem[]): Template {
  try {
    // Parsing and compiling eagerly surfaces syntax errors and unknown helpers now.
    const render = hb.compile(source, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: KNOWN_HELPERS });
    render({});
    // Data can still surprise a helper; a message with the raw template beats no message at all.
    return (view) => {
      try {
        return render(view);
      } catch (e) {
        return `${source} [template error: ${firstLine((e as Error).message)}]`;
      }
    };
  } catch (e) {
    problems.push({ path, message: describeTemplateError((e as Error).message) });
    return () => source;
  }
}

/** Handlebars' tokens, as someone writing a template knows them. */
const TOKENS: Record<string, string> = {
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  CLOSE_RAW_BLOCK: '}}}}',
  OPEN: '{{',
  ID: 'a name',
  STRING: 'a quoted string',
  NUMBER: 'a number',
  EOF: 'the end of the template',
  INVALID: 'a character that is not allowed there',
  OPEN_ENDBLOCK: '{{/…}}',
  INVERSE: '{{else}}',
};
/** The closers a template usually lacks; Handlebars also lists raw blocks and triple braces, which confuse more than help. */
const WANTED = new Set(['CLOSE', 'ID', 'STRING', 'OPEN_ENDBLOCK', 'INVERSE', 'EOF']);

/**
 * Where a template went wrong and what was wrong, without Handlebars' excerpt of the source: the template may
 * hold a `${file:}` secret, and the excerpt would print it.
 */
function describeTemplateError(message: string): string {
  const parse = /^Parse error on line (\d+):[\s\S]*Expecting (.*), got '(\w+)'/.exec(message);
  if (parse) {
    const expected = [...parse[2]!.matchAll(/'(\w+)'/g)]
      .map((m) => m[1]!)
      .filter((t) => WANTED.has(t))
      .slice(0, 3)
      .map((t) => TOKENS[t]);
    const want = expected.length > 0 ? ` where ${expected.join(' or ')} was expected` : '';
    return `template does not parse at line ${parse[1]}: found ${TOKENS[parse[3]!] ?? parse[3]}${want}`;
  }
  const lexical = /^Lexical error on line (\d+)/.exec(message);
  if (lexical)
    return `template does not parse at line ${lexical[1]}: text that is not a template expression (an unclosed comment or quote?)`;
  const helper = /unknown helper (\S+) - (\d+):/.exec(message);
  if (helper)
    return `template uses an unknown helper ${JSON.stringify(helper[1])} at line ${helper[2]} (helpers: ${HELPER_NAMES.filter((h) => !BUILT_IN.has(h)).join(', ')}, if, each, with, unless)`;
  return `template error: ${firstLine(message).replace(/\s-\s(\d+):\d+$/, ' at line $1')}`;
}

const BUILT_IN = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'blockHelperMissing', 'helperMissing']);

function firstLine(message: string): string {
  return message
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^-*\^$/.test(l.trim()))
    .join(' ')
    .replace(/\s+/g, ' ');
}
