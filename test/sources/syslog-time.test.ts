// rfc3339Time computes an instant from a zoned time's numbers; it must agree with reading the same time
// through Date.parse (what it did before, and still does for local times and odd years), valid or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rfc3339Time } from '../../src/sources/syslog-time.ts';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The reading through Date.parse, for times rfc3339Time finds real. */
function parsed(y: string, mo: string, d: string, rest: string, frac: string, zone: string): number {
  const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase();
  return Date.parse(`${y}-${mo}-${d}T${rest}${frac ? `.${frac.slice(0, 3)}` : ''}${offset}`);
}

describe('rfc3339Time', () => {
  it('gives the instant Date.parse gives, for any zoned time it finds real', () => {
    const zone = fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 99 }), fc.boolean())
        .map(([sign, h, m, colon]) => `${sign}${pad(h, 2)}${colon ? ':' : ''}${pad(m, 2)}`),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
        zone,
        (y, mo, d, h, mi, s, frac, z) => {
          const [ys, mos, ds, rest] = [pad(y, 4), pad(mo, 2), pad(d, 2), `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`];
          const text = `${ys}-${mos}-${ds}T${rest}${frac ? `.${frac}` : ''}${z}`;
          const t = rfc3339Time(text);
          if (t.error !== undefined) return;
          expect(t.timestamp!.getTime()).toEqual(parsed(ys, mos, ds, rest, frac ?? '', z));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('calls RFC 3339 exactly what the regex it replaced matches', () => {
    const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;
    const piece = fc.constantFrom(
      '2026',
      '-',
      '11',
      '30',
      'T',
      't',
      ':',
      '10',
      '00',
      '.',
      '1',
      '123456',
      '1234567890',
      'Z',
      'z',
      '+',
      '-',
      '01:00',
      '0530',
      ' ',
      'x',
      '0',
    );
    const near = fc.oneof(
      fc.array(piece, { maxLength: 16 }).map((p) => p.join('')),
      fc
        .tuple(fc.constantFrom('2026-11-30T10:00:00', '2026-11-30t10:00:00', '2026-11-30T10:00'), fc.array(piece, { maxLength: 4 }))
        .map(([a, p]) => a + p.join('')),
    );
    fc.assert(
      fc.property(near, (text) => {
        expect(rfc3339Time(text).error?.endsWith('is not RFC 3339') ?? false).toBe(!RFC3339.test(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps six fraction digits in the precise time, in UTC', () => {
    expect(rfc3339Time('2026-11-30T23:59:59.9876543-01:30')).toEqual({
      timestamp: new Date('2026-12-01T01:29:59.987Z'),
      precise: '2026-12-01T01:29:59.987654Z',
    });
    expect(rfc3339Time('2026-11-30T10:00:00.1234Z').precise).toBe('2026-11-30T10:00:00.123400Z');
    expect(rfc3339Time('2026-11-30T10:00:00.123Z').precise).toBeUndefined();
  });

  it.each([
    ['2026-02-29T10:00:00Z', 'is not a real time'],
    ['2028-02-29T10:00:00Z', undefined],
    ['1900-02-29T10:00:00Z', 'is not a real time'],
    ['2000-02-29T10:00:00Z', undefined],
    ['2026-04-31T10:00:00Z', 'is not a real time'],
    ['2026-11-30T10:00:00+24:00', 'is not a real time'],
    // Once an Invalid Date that threw when a fraction was printed: one line could stop the listener.
    ['2026-11-30T10:00:00.1234+00:60', 'is not a real time'],
  ])('%s: %s', (text, error) => {
    const t = rfc3339Time(text);
    if (error === undefined) expect(t.error).toBeUndefined();
    else expect(t.error).toContain(error);
  });
});
