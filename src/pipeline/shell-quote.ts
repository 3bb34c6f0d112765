// argv as a POSIX shell would need it typed, so an alert says unambiguously what ran: `/bin/sh -c 'kill
// -TERM $$'`, not `/bin/sh -c kill -TERM $$`. Control characters (a newline in an argument) are written as
// $'…' escapes, so one alert line cannot be made to look like two.

/** Characters that never need quoting. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  if (SAFE.test(arg)) return arg;
  if (CONTROL.test(arg)) return `$'${[...arg].map(ansiC).join('')}'`;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\', "'": "\\'" };

function ansiC(c: string): string {
  if (NAMED[c]) return NAMED[c];
  return CONTROL.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c;
}
