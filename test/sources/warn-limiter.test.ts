import { describe, expect, it } from 'vitest';
import { WarnLimiter } from '../../src/sources/warn-limiter.ts';
import { captureLog } from '../helpers/capture-log.ts';

describe('WarnLimiter', () => {
  it('lets one warning through per interval and reports how many it held back', () => {
    const { log, lines } = captureLog('warn');
    let now = 10_000;
    const w = new WarnLimiter(log, 1000, () => now);
    w.warn({ n: 1 }, 'bad');
    for (let i = 0; i < 50; i++) w.warn({ n: 2 }, 'bad');
    now += 999;
    w.warn({ n: 3 }, 'bad');
    now += 1;
    w.warn({ n: 4 }, 'bad');
    expect(lines.map((l) => [l.n, l.suppressed])).toEqual([
      [1, undefined],
      [4, 51],
    ]);
  });
});
