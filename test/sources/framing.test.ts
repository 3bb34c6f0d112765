import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.ts';
import { Deframer, type FramingMode } from '../../src/sources/framing.ts';

const MAX = 64;

function harness(max = MAX, mode: FramingMode = 'auto') {
  const out = { frames: [] as string[], oversize: [] as (number | undefined)[], bad: [] as { code: string; reason: string }[] };
  const d = new Deframer(
    max,
    {
      frame: (f) => out.frames.push(f.toString('latin1')),
      oversize: (n) => out.oversize.push(n),
      badFrame: (code, reason) => out.bad.push({ code, reason }),
    },
    mode,
  );
  return { d, ...out };
}

/** Feeds `stream` cut at arbitrary points, the way TCP may deliver it. */
function feed(d: Deframer, stream: Buffer, cuts: number[]): void {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, stream.length]) {
    if (p > from) d.push(stream.subarray(from, p));
    from = p;
  }
}

const bin = (s: string) => Buffer.from(s, 'latin1');
const byteString = (opts: { minLength: number; maxLength: number }) => fc.uint8Array(opts).map((a) => Buffer.from(a).toString('latin1'));
const isDigit = (c: string) => c >= '0' && c <= '9';
/** A message newline framing can carry: no LF/NUL, no leading digit (it would read as a count) or CR. */
const lineMessage = (maxLength: number) =>
  byteString({ minLength: 1, maxLength })
    .map((s) => s.replace(/[\n\0]/g, ' '))
    .filter((s) => !isDigit(s[0]!) && s[0] !== '\r' && !s.endsWith('\r'));
const octet = (m: string) => `${m.length} ${m}`;
const line = (m: string, trailer: string) => `${m}${trailer}`;
const trailer = fc.constantFrom('\n', '\r\n', '\0');
const cuts = fc.array(fc.nat(), { maxLength: 20 });

type Framed = { message: string; encoded: string };
const octetFramed = (maxLength: number) => byteString({ minLength: 1, maxLength }).map((m): Framed => ({ message: m, encoded: octet(m) }));
const lineFramed = (maxLength: number) =>
  fc.tuple(lineMessage(maxLength), trailer).map(([m, t]): Framed => ({ message: m, encoded: line(m, t) }));

describe('Deframer (RFC 6587)', () => {
  it('decodes any mix of octet-counted and newline frames, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(octetFramed(MAX), lineFramed(MAX)), { maxLength: 20 }), cuts, (msgs, cutAt) => {
        const h = harness();
        feed(h.d, bin(msgs.map((m) => m.encoded).join('')), cutAt);
        expect(h.frames).toEqual(msgs.map((m) => m.message));
        expect(h.oversize).toEqual([]);
        expect(h.bad).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects and counts oversize frames of either kind and keeps every frame around them', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(octetFramed(3 * MAX), lineFramed(3 * MAX)), { maxLength: 15 }), cuts, (msgs, cutAt) => {
        const h = harness();
        feed(h.d, bin(msgs.map((m) => m.encoded).join('')), cutAt);
        expect(h.frames).toEqual(msgs.filter((m) => m.message.length <= MAX).map((m) => m.message));
        expect(h.oversize.length).toBe(msgs.filter((m) => m.message.length > MAX).length);
      }),
      { numRuns: 500 },
    );
  });

  it('reports a bad octet count and resynchronises on the next newline', () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const junk = byteString({ minLength: 0, maxLength: 30 }).map((s) => s.replace(/[\n\0]/g, '.'));
    const notSep = fc
      .integer({ min: 1, max: 255 })
      .map((n) => String.fromCharCode(n))
      .filter((c) => !isDigit(c) && c !== ' ' && c !== '\n');
    const garbage = fc.oneof(
      fc.tuple(digits(1, 10), notSep, junk).map(([d, s, j]) => `${d}${s}${j}\n`), // count not followed by a space
      fc.tuple(digits(11, 20), junk).map(([d, j]) => `${d}${j}\n`), // absurd length
      fc.tuple(digits(0, 3), junk).map(([d, j]) => `0${d} ${j}\n`), // zero / leading zero
      digits(1, 10).map((d) => `${d}\n`), // count without a message
    );
    const item = fc.oneof(
      octetFramed(MAX).map((f) => ({ ...f, bad: false })),
      lineFramed(MAX).map((f) => ({ ...f, bad: false })),
      garbage.map((g) => ({ message: '', encoded: g, bad: true })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), cuts, (items, cutAt) => {
        const h = harness();
        feed(h.d, bin(items.map((i) => i.encoded).join('')), cutAt);
        expect(h.frames).toEqual(items.filter((i) => !i.bad).map((i) => i.message));
        expect(h.bad.length).toBe(items.filter((i) => i.bad).length);
        expect(h.bad.every((b) => b.code === ErrorCodes.FRAME_BAD_COUNT)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('skips exactly the declared bytes of an oversize octet-counted frame, even ones that look like frames', () => {
    const h = harness();
    const body = '10 nothing\n'.repeat(20);
    h.d.push(bin(`${body.length} ${body}5 after`));
    expect(h.oversize).toEqual([body.length]);
    expect(h.frames).toEqual(['after']);
  });

  it('drops an oversize line without holding it: the report comes before its end', () => {
    const h = harness(1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 160; i++) h.d.push(chunk); // 10 MB, no newline yet
    expect(h.oversize).toEqual([undefined]);
    h.d.push(bin('\n<13>next\n'));
    expect(h.frames).toEqual(['<13>next']);
  });

  it('delivers a last line without trailer at end of stream but reports a cut octet-counted frame', () => {
    const a = harness();
    a.d.push(bin('<13>one\n<13>two'));
    a.d.end();
    expect(a.frames).toEqual(['<13>one', '<13>two']);

    const b = harness();
    b.d.push(bin('20 <13>short'));
    b.d.end();
    expect(b.frames).toEqual([]);
    expect(b.bad).toEqual([{ code: ErrorCodes.FRAME_INVALID, reason: 'connection closed inside an octet-counted frame' }]);
  });

  it('in newline mode reads a leading digit as message text', () => {
    const h = harness(MAX, 'newline');
    h.d.push(bin('42\n12 {"a":1}\n'));
    expect(h.frames).toEqual(['42', '12 {"a":1}']);
  });

  it('takes arbitrary byte chunks without throwing, never emits more than the maximum, and starts clean after end()', () => {
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.stringMatching(/^[0-9 \n\r\0a<>]{0,40}$/).map((t) => new TextEncoder().encode(t)), // count-shaped noise
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), fc.constantFrom<FramingMode>('auto', 'newline'), (chunks, mode) => {
        const h = harness(MAX, mode);
        for (const c of chunks) {
          const before = h.d.framesBegun;
          h.d.push(Buffer.from(c));
          expect(h.d.framesBegun).toBeGreaterThanOrEqual(before);
        }
        expect(h.frames.every((f) => f.length <= MAX)).toBe(true);
        expect(h.frames.length + h.oversize.length).toBeLessThanOrEqual(h.d.framesBegun);
        h.d.end();
        expect(h.d.inFrame).toBe(false);
        const delivered = h.frames.length;
        h.d.push(bin('<13>after the noise\n'));
        expect(h.frames.slice(delivered)).toEqual(['<13>after the noise']);
      }),
      { numRuns: 1000 },
    );
  });

  it('is in a frame exactly while one has begun and not ended', () => {
    const h = harness();
    expect(h.d.inFrame).toBe(false);
    h.d.push(bin('\n\r\0'));
    expect([h.d.inFrame, h.d.framesBegun]).toEqual([false, 0]);
    h.d.push(bin('<13>par'));
    expect([h.d.inFrame, h.d.framesBegun]).toEqual([true, 1]);
    h.d.push(bin('tial\n11 <13>'));
    expect([h.d.inFrame, h.d.framesBegun]).toEqual([true, 2]);
    h.d.push(bin('counted'));
    expect([h.d.inFrame, h.d.framesBegun]).toEqual([false, 2]);
    expect(h.frames).toEqual(['<13>partial', '<13>counted']);
  });

  it('hands on a frame that lies inside one chunk as a view of that chunk, and copies one cut across chunks', () => {
    const frames: Buffer[] = [];
    const d = new Deframer(MAX, { frame: (f) => frames.push(f), oversize: () => undefined, badFrame: () => undefined });
    const chunk = bin('<13>a line\r\n8 <13>octe<13>nul\0<13>cut ');
    d.push(chunk);
    d.push(bin('across\n'));
    expect(frames.map((f) => f.toString('latin1'))).toEqual(['<13>a line', '<13>octe', '<13>nul', '<13>cut across']);
    // Overwriting the chunk shows which frames are views of it.
    chunk.fill('x');
    expect(frames.map((f) => f.toString('latin1'))).toEqual(['xxxxxxxxxx', 'xxxxxxxx', 'xxxxxxx', '<13>cut across']);
  });

  it('ends a line at whichever of LF and NUL comes first, with several of each in one chunk', () => {
    const h = harness();
    h.d.push(bin('<1>a\0<2>b\n<3>c\n<4>d\0\0<5>e\n<6>f'));
    h.d.end();
    expect(h.frames).toEqual(['<1>a', '<2>b', '<3>c', '<4>d', '<5>e', '<6>f']);
  });
});
