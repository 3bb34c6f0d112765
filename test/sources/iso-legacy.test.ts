// parseIsoLegacy reads by character what a regex read before; on any line near that shape they must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoLegacy } from '../../src/sources/iso-legacy.ts';

const REGEX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[([^\]]*)\])?: ?([\s\S]*)$/;
const nil = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v);

describe('parseIsoLegacy', () => {
  it('finds the header the regex finds, with the same host, app, procid and message', () => {
    const ts = fc
      .tuple(
        fc.constantFrom('2026-11-23T11:00:33', '2026-11-23t11:00:33', '2026-11-23T11:00', '20261-11-23T11:00:33'),
        fc.constantFrom('', '.', '.1', '.123456', '.1234567890', '.x'),
        fc.constantFrom('', 'Z', 'z', '+01:00', '-0530', '+01:0', '+1:00', '+01:000', '+0100'),
      )
      .map((p) => p.join(''));
    const piece = fc.constantFrom(
      'host',
      '-',
      'app',
      'a]b',
      '[',
      ']',
      '[12]',
      '[]',
      ':',
      ': ',
      ' ',
      '  ',
      '\t',
      '\u00a0',
      '\ufeff',
      'é',
      'msg',
      '\n',
    );
    const line = fc
      .tuple(fc.constantFrom('', ' ', '  '), ts, fc.array(piece, { maxLength: 10 }))
      .map(([pre, t, p]) => `${pre}${t}${p.join('')}`);
    fc.assert(
      fc.property(line, (text) => {
        const m = REGEX.exec(text);
        const parts = parseIsoLegacy(`<13>${text}`, 4);
        if (m) expect(parts).toMatchObject({ host: nil(m[2]), app: nil(m[3]), procid: nil(m[4]), message: m[5]!.replace(/^\uFEFF/, '') });
        else expect(parts).toBeUndefined();
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the timestamp written in the header', () => {
    expect(parseIsoLegacy('<38>2026-11-23T11:00:33.123456+01:00 web1 app[7]: x', 4)).toEqual({
      time: { timestamp: new Date('2026-11-23T10:00:33.123Z'), precise: '2026-11-23T10:00:33.123456Z' },
      host: 'web1',
      app: 'app',
      procid: '7',
      message: 'x',
    });
  });
});
