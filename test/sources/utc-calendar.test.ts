// utc-calendar.ts replaces Date.UTC and toISOString on the parse path; it must give what they give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utcIsoMicros, utcMillis } from '../../src/sources/utc-calendar.ts';

const MAX_MS = 8.64e15;

describe('utcMillis', () => {
  it('is Date.UTC for any real date in years 100-9999', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        (d) => {
          const args = [
            d.getUTCFullYear(),
            d.getUTCMonth(),
            d.getUTCDate(),
            d.getUTCHours(),
            d.getUTCMinutes(),
            d.getUTCSeconds(),
            d.getUTCMilliseconds(),
          ] as const;
          expect(utcMillis(...args)).toBe(Date.UTC(...args));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it.each([
    '2000-02-29T12:00:00.001Z',
    '1900-03-01T00:00:00Z',
    '2100-02-28T23:59:59.999Z',
    '0100-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00Z',
  ])('%s', (iso) => {
    const d = new Date(iso);
    expect(
      utcMillis(
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      ),
    ).toBe(d.getTime());
  });
});

describe('utcIsoMicros', () => {
  it('is toISOString to the second, then the six digits and Z, for any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MS, max: MAX_MS }), fc.integer({ min: 0, max: 999_999 }), (ms, micros) => {
        expect(utcIsoMicros(ms, micros)).toBe(`${new Date(ms).toISOString().slice(0, 20)}${String(micros).padStart(6, '0')}Z`);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([0, -1, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_000, -62_167_219_200_001])(
    'at %d ms',
    (ms) => {
      expect(utcIsoMicros(ms, 7)).toBe(`${new Date(ms).toISOString().slice(0, 20)}000007Z`);
    },
  );
});
