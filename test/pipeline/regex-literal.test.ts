import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../src/pipeline/regex-literal.ts';

describe('requiredLiterals: the text each top-level alternative of a regex cannot match without', () => {
  it.each([
    ['FAILED', '', ['FAILED']],
    ['authentication FAILED', '', ['authentication FAILED']],
    ['fail(ed)?', '', ['fail']],
    ['colou?r', '', ['colo']],
    ['ab{2}cd', '', ['cd']],
    ['ab+cd', '', ['ab']],
    ['x|yz', '', ['x', 'yz']],
    ['(a|b)cd|ef', '', ['cd', 'ef']],
    ['\\d+ failures', '', [' failures']],
    ['\\.conf$', '', ['.conf']],
    ['[abc|]def', '', ['def']],
    ['[]]xy', '', ['xy']],
    ['(?<n>q)\\k<n>-yz', '', ['-yz']],
    ['a\\u{1F600}bc', 'u', ['a']],
    ['\\x41BC-d', '', ['-d']],
    ['sudo', 'sm', ['sudo']],
  ])('/%s/%s → %j', (source, flags, expected) => {
    expect(requiredLiterals(source, flags)).toEqual(expected);
  });

  it.each([
    ['a|.*', ''],
    ['^$', ''],
    ['sudo', 'i'],
    ['.', ''],
    ['\\bword', ''],
  ])('/%s/%s needs no literal', (source, flags) => {
    expect(requiredLiterals(source, flags)).toBeUndefined();
  });

  const patterns = [
    'FAILED',
    'fail(ed)?',
    'colou?r',
    'ab{2,3}c',
    'x+y',
    'x|yz',
    '(a|b)cd|ef',
    '\\d+ failures',
    '\\.conf$',
    '[abc]def',
    'a.b',
    '(?:ab)*cd',
    'pam_unix\\(sudo:auth\\)',
    'user=\\w+ ok',
    '^sudo: +\\S+ : TTY',
    'é+ü?x',
    'a{0}b',
    'q\\/r',
    '[^]x',
  ];
  it('every string a regex matches holds the literal of one of its alternatives', () => {
    for (const source of patterns) {
      const literals = requiredLiterals(source, '')!;
      const re = new RegExp(source);
      fc.assert(
        fc.property(fc.stringMatching(re), (s) => literals.some((l) => s.includes(l))),
        { numRuns: 200 },
      );
    }
  });
});
