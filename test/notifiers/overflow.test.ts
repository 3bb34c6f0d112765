import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOverflow, splitText, truncate } from '../../notifiers/overflow.ts';

const limits = { title: 50, body: 200, unit: 'utf16' } as const;
const message = (body: string, title = 'alert') => ({ title, body, type: 'info' as const });

describe('overflow', () => {
  it('truncate keeps a message within the limit and says how much it dropped', () => {
    const [out, ...rest] = applyOverflow(message('x'.repeat(1000)), limits, 'truncate');
    expect(rest).toEqual([]);
    expect(out!.body.length).toBeLessThanOrEqual(200);
    expect(out!.body).toMatch(/… \((\d+) more chars\)$/);
    const dropped = Number(/\((\d+) more/.exec(out!.body)![1]);
    expect(out!.body.indexOf('…') + dropped).toBe(1000);
  });

  it('upstream leaves the message alone', () => {
    expect(applyOverflow(message('x'.repeat(1000)), limits, 'upstream')[0]!.body).toHaveLength(1000);
  });

  it('split cuts on line ends and numbers the parts [i/n] in the title', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i} ${'y'.repeat(20)}`).join('\n');
    const parts = applyOverflow(message(lines), limits, 'split');
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(p.title).toBe(`alert [${i + 1}/${parts.length}]`);
      expect(p.body.length).toBeLessThanOrEqual(200);
      expect(p.body.startsWith('line ')).toBe(true);
    });
    expect(parts.map((p) => p.body).join('\n')).toBe(lines);
  });

  it('split counts a title printed inside the body against the body limit', () => {
    const parts = applyOverflow(message('word '.repeat(200), 'T'.repeat(40)), { ...limits, titleInBody: true }, 'split');
    for (const p of parts) expect(p.title.length + p.body.length).toBeLessThanOrEqual(200);
  });

  it("counts in the provider's unit: an emoji is 2 UTF-16 units, 1 code point, 4 bytes", () => {
    const body = '🔥'.repeat(300);
    const [utf16] = applyOverflow(message(body), limits, 'truncate');
    const [points] = applyOverflow(message(body), { ...limits, unit: 'codepoints' }, 'truncate');
    const [bytes] = applyOverflow(message(body), { ...limits, unit: 'bytes' }, 'truncate');
    expect(utf16!.body.length).toBeLessThanOrEqual(200);
    expect([...points!.body].length).toBeLessThanOrEqual(200);
    expect([...points!.body].length).toBeGreaterThan(100);
    expect(Buffer.byteLength(bytes!.body)).toBeLessThanOrEqual(200);
    for (const m of [utf16, points, bytes]) expect(m!.body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('truncate splits a list of alerts between its entries instead of cutting any of them off', () => {
    const entries = Array.from({ length: 12 }, (_, i) => `• alert ${i} on web${i}\n  ${'detail '.repeat(5)}`);
    const body = ['Held back: 12 events.', ...entries].join('\n');
    const parts = applyOverflow(message(body, 'alert 0; alert 1 and 10 other held alerts'), limits, 'truncate');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.body.length).toBeLessThanOrEqual(200);
      expect(p.title.length).toBeLessThanOrEqual(50);
    }
    for (let i = 0; i < 12; i++) expect(parts.filter((p) => p.body.includes(`• alert ${i} on web${i}\n`)).length).toBe(1);
    expect(parts.map((p) => p.body).join('\n')).toBe(body);
  });

  it('a short message is one part with no counter', () => {
    expect(applyOverflow(message('hi'), limits, 'split')).toEqual([message('hi')]);
  });

  it('property: split pieces fit and lose only the separators they were cut at', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.integer({ min: 4, max: 300 }), (text, max) => {
        const pieces = splitText(text, max);
        for (const p of pieces) expect(p.length).toBeLessThanOrEqual(max);
        expect(pieces.join('').replace(/[\n ]/g, '')).toBe(text.replace(/[\n ]/g, ''));
      }),
    );
  });

  it('property: truncate never exceeds the limit and keeps a prefix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 1, max: 500 }), (text, max) => {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
        const head = out.replace(/… \(\d+ more chars\)$/, '');
        expect(text.startsWith(head)).toBe(true);
      }),
    );
  });
});
