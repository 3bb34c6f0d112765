import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRegexSpace, wordEnd } from '../../src/sources/regex-space.ts';

describe('isRegexSpace', () => {
  it('is what a regex \\s matches, for every UTF-16 code unit', () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isRegexSpace(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c);
    expect(differ).toEqual([]);
  });
});

describe('wordEnd', () => {
  it('ends where /\\S*/ stops matching', () => {
    const text = fc
      .array(fc.constantFrom('a', ' ', '\t', '\u00a0', '\ufeff', 'é', '\u2028', 'x y', '\ud83d\ude00', ':'), { maxLength: 12 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.nat(), (t, n) => {
        const at = t.length === 0 ? 0 : n % (t.length + 1);
        const re = /\S*/y;
        re.lastIndex = at;
        expect(wordEnd(t, at)).toBe(at + re.exec(t)![0].length);
      }),
      { numRuns: 5000 },
    );
  });
});
