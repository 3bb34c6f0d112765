import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/pipeline/shell-quote.ts';

/** What bash makes of a command line: its words, as printf hands them back NUL-separated. */
function bashWords(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it.each([
    [['systemctl', 'restart', 'nginx'], 'systemctl restart nginx'],
    [['/bin/sh', '-c', 'kill -TERM $$'], "/bin/sh -c 'kill -TERM $$'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['touch', ''], "touch ''"],
    [['printf', 'a\nb\t\u0001'], "printf $'a\\nb\\t\\x01'"],
    [['ls', '*.log', '~root', 'a;b'], "ls '*.log' '~root' 'a;b'"],
  ])('%j → %s', (argv, quoted) => {
    expect(shellQuote(argv)).toBe(quoted);
  });

  it('gives back exactly the argv when bash reads it (property)', () => {
    const arg = fc.string({ unit: fc.constantFrom(...'ab $\'"\\\n\t*?;&|<>(){}[]~#!`=%-_./\u0001é'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (argv) => {
        expect(bashWords(shellQuote(argv))).toEqual(argv);
      }),
      { numRuns: 60 },
    );
  });
});
