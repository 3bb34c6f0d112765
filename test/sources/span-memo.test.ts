import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpanMemo } from '../../src/sources/span-memo.ts';

describe('SpanMemo', () => {
  it('hands back the stored value exactly when the span holds the same characters (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '\uFEFF'), maxLength: 12 });
    const span = text.chain((t) =>
      fc.tuple(fc.constant(t), fc.nat(t.length), fc.nat(t.length)).map(([s, i, j]) => [s, Math.min(i, j), Math.max(i, j)] as const),
    );
    fc.assert(
      fc.property(span, span, ([t1, s1, e1], [t2, s2, e2]) => {
        const memo = new SpanMemo<string>();
        const value = {} as unknown as string;
        memo.store(t1, s1, e1, value);
        const same = t1.slice(s1, e1) === t2.slice(s2, e2);
        expect(memo.lookup(t2, s2, e2)).toBe(same ? value : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('knows nothing before a store', () => {
    expect(new SpanMemo<number>().lookup('', 0, 0)).toBeUndefined();
  });
});
