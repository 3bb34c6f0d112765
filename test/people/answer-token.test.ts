import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/people/answer-token.ts';

const SECRET = 'a-long-enough-answer-secret-0123456789';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('answer tokens', () => {
  it('accept their own text, and refuse every other last character, also those that decode to the same bytes', () => {
    for (let i = 0; i < 20; i++) {
      const token = signToken(SECRET, { q: `q${i}`, u: 'alice', a: 'yes', e: 1_900_000_000_000 });
      expect(verifyToken(SECRET, token)).toMatchObject({ ok: true, claims: { q: `q${i}`, a: 'yes' } });
      const last = token.at(-1)!;
      // Characters whose 6 bits differ from the last one only in the 2 bits base64url decoding drops.
      const sameBytes = [...ALPHABET].filter((c) => c !== last && ALPHABET.indexOf(c) >> 2 === ALPHABET.indexOf(last) >> 2);
      expect(sameBytes).toHaveLength(3);
      for (const c of [...ALPHABET].filter((c) => c !== last)) {
        expect(verifyToken(SECRET, `${token.slice(0, -1)}${c}`)).toEqual({ ok: false, why: 'bad signature' });
      }
    }
  });
});
