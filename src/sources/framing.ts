// RFC 6587 de-framer for one stream connection: arbitrary chunks in, syslog frames out. Each frame is
// detected from its first byte: a digit means octet counting (`LEN SP MSG`), anything else a frame ended
// by LF or NUL (CRLF tolerated). The RFC's own ambiguity remains: a newline-framed message that starts
// with a digit is read as a count (and, failing that, reported as a bad frame). Pure: no sockets.
import { ErrorCodes } from '../errors.ts';

export type FramingMode = 'auto' | 'newline';
export type BadFrameCode = typeof ErrorCodes.FRAME_BAD_COUNT | typeof ErrorCodes.FRAME_INVALID;

export interface DeframerHandlers {
  frame(frame: Buffer): void;
  /** A frame longer than the maximum was dropped; `length` when the sender declared it. */
  oversize(length: number | undefined): void;
  /** Bytes that form no frame; `sample` is a short prefix for the log. */
  badFrame(code: BadFrameCode, reason: string, sample: Buffer): void;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
/** 10 digits is already 10 GB; a longer count is noise, not a frame. */
const MAX_COUNT_DIGITS = 10;

type State =
  | { kind: 'start' }
  | { kind: 'count'; digits: string }
  | { kind: 'body'; remaining: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'line' }
  | { kind: 'discardLine' };

export class Deframer {
  #state: State = { kind: 'start' };
  #parts: Buffer[] = [];
  #size = 0;
  #begun = 0;

  constructor(
    private readonly maxSize: number,
    private readonly on: DeframerHandlers,
    private readonly mode: FramingMode = 'auto',
  ) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) i = this.#step(chunk, i);
  }

  /** Some bytes of a frame (or of one being skipped) arrived and its end has not: what `frame_timeout` bounds. */
  get inFrame(): boolean {
    return this.#state.kind !== 'start';
  }

  /** Frames begun so far; with `inFrame` it tells a connection's deadline whether the open frame is a new one. */
  get framesBegun(): number {
    return this.#begun;
  }

  /** The connection ended: a last line without trailer still counts, a cut octet-counted frame does not. */
  end(): void {
    const s = this.#state;
    if (s.kind === 'line') this.#emitLine();
    else if (s.kind === 'count' || s.kind === 'body') {
      const sample = s.kind === 'count' ? Buffer.from(s.digits, 'latin1') : this.#sample();
      this.on.badFrame(ErrorCodes.FRAME_INVALID, 'connection closed inside an octet-counted frame', sample);
    }
    this.#reset({ kind: 'start' });
  }

  #step(chunk: Buffer, i: number): number {
    const s = this.#state;
    switch (s.kind) {
      case 'start': {
        const b = chunk[i]!;
        // Stray trailers between frames (a LF after an octet-counted frame, blank lines) are no frames.
        if (b === LF || b === CR || b === NUL) return i + 1;
        this.#begun++;
        this.#state = this.mode === 'auto' && isDigit(b) ? { kind: 'count', digits: '' } : { kind: 'line' };
        return i;
      }
      case 'count':
        return this.#count(s, chunk, i);
      case 'body': {
        const n = Math.min(s.remaining, chunk.length - i);
        this.#append(chunk.subarray(i, i + n));
        s.remaining -= n;
        if (s.remaining === 0) {
          this.on.frame(Buffer.concat(this.#parts, this.#size));
          this.#reset({ kind: 'start' });
        }
        return i + n;
      }
      case 'skip': {
        const n = Math.min(s.remaining, chunk.length - i);
        s.remaining -= n;
        if (s.remaining === 0) this.#state = { kind: 'start' };
        return i + n;
      }
      case 'line':
        return this.#line(chunk, i);
      case 'discardLine': {
        const j = findTrailer(chunk, i);
        if (j < 0) return chunk.length;
        this.#state = { kind: 'start' };
        return j + 1;
      }
    }
  }

  #count(s: { digits: string }, chunk: Buffer, i: number): number {
    const b = chunk[i]!;
    if (isDigit(b)) {
      s.digits += String.fromCharCode(b);
      if (s.digits.length > MAX_COUNT_DIGITS) return this.#badCount(s.digits, `octet count longer than ${MAX_COUNT_DIGITS} digits`, i);
      return i + 1;
    }
    if (b !== SP) return this.#badCount(s.digits + String.fromCharCode(b), 'octet count not followed by a space', i);
    if (s.digits.startsWith('0')) return this.#badCount(s.digits, 'octet count is zero or has a leading zero', i);
    const length = Number(s.digits);
    if (length > this.maxSize) {
      this.on.oversize(length);
      // The count is plausible, so skipping exactly that many bytes keeps the stream in sync.
      this.#reset({ kind: 'skip', remaining: length });
    } else {
      this.#reset({ kind: 'body', remaining: length });
    }
    return i + 1;
  }

  /** Reports the bad count, then resynchronises on the next LF/NUL (which may be the offending byte). */
  #badCount(seen: string, reason: string, i: number): number {
    this.on.badFrame(ErrorCodes.FRAME_BAD_COUNT, reason, Buffer.from(seen, 'latin1'));
    const b = seen.charCodeAt(seen.length - 1);
    this.#reset(b === LF || b === NUL ? { kind: 'start' } : { kind: 'discardLine' });
    return i + 1;
  }

  #line(chunk: Buffer, i: number): number {
    const j = findTrailer(chunk, i);
    const end = j < 0 ? chunk.length : j;
    // +1 leaves room for the CR of a CRLF trailer; beyond that the line is dropped without being held.
    if (this.#size + (end - i) > this.maxSize + 1) {
      this.on.oversize(undefined);
      this.#reset({ kind: 'discardLine' });
      return end;
    }
    this.#append(chunk.subarray(i, end));
    if (j < 0) return chunk.length;
    this.#emitLine();
    this.#reset({ kind: 'start' });
    return j + 1;
  }

  #emitLine(): void {
    let frame = Buffer.concat(this.#parts, this.#size);
    if (frame.length > 0 && frame[frame.length - 1] === CR) frame = frame.subarray(0, frame.length - 1);
    if (frame.length > this.maxSize) this.on.oversize(undefined);
    else if (frame.length > 0) this.on.frame(frame);
  }

  #append(part: Buffer): void {
    this.#parts.push(part);
    this.#size += part.length;
  }

  #sample(): Buffer {
    return Buffer.concat(this.#parts, this.#size).subarray(0, 64);
  }

  #reset(state: State): void {
    this.#state = state;
    this.#parts = [];
    this.#size = 0;
  }
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function findTrailer(chunk: Buffer, from: number): number {
  for (let i = from; i < chunk.length; i++) {
    const b = chunk[i];
    if (b === LF || b === NUL) return i;
  }
  return -1;
}
