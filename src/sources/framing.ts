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

/** Where the de-framer is between bytes: what the next byte means. */
const enum Phase {
  /** Between frames: the next byte (not a stray trailer) begins one. */
  Start,
  /** Reading an octet count. */
  Count,
  /** Reading `#remaining` bytes of an octet-counted frame. */
  Body,
  /** Skipping `#remaining` bytes of an oversize octet-counted frame. */
  Skip,
  /** Reading a line up to LF or NUL. */
  Line,
  /** Dropping the rest of a line (oversize, or after a bad count). */
  DiscardLine,
}

export class Deframer {
  #phase = Phase.Start;
  /** Body/Skip: bytes still to come; Count: the count's value so far. */
  #remaining = 0;
  /** Count: digits read so far. */
  #digits = 0;
  /** A frame's bytes held across chunks (a frame inside one chunk is handed on without copying). */
  #parts: Buffer[] = [];
  #size = 0;
  #begun = 0;
  /** The chunk being read, and where its next NUL is (-1: none), so it is searched for NUL once, not per line. */
  #chunk: Buffer | undefined;
  #nulAt = -1;

  constructor(
    private maxSize: number,
    private readonly on: DeframerHandlers,
    private readonly mode: FramingMode = 'auto',
  ) {}

  /** A new maximum (a reload changed max_message_size): it applies from the next byte, the open frame included. */
  resize(maxSize: number): void {
    this.maxSize = maxSize;
  }

  push(chunk: Buffer): void {
    this.#chunk = chunk;
    this.#nulAt = chunk.indexOf(NUL);
    let i = 0;
    while (i < chunk.length) i = this.#step(chunk, i);
    this.#chunk = undefined;
  }

  /** Some bytes of a frame (or of one being skipped) arrived and its end has not: what `frame_timeout` bounds. */
  get inFrame(): boolean {
    return this.#phase !== Phase.Start;
  }

  /** Frames begun so far; with `inFrame` it tells a connection's deadline whether the open frame is a new one. */
  get framesBegun(): number {
    return this.#begun;
  }

  /** The connection ended: a last line without trailer still counts, a cut octet-counted frame does not. */
  end(): void {
    if (this.#phase === Phase.Line) this.#emitLine();
    else if (this.#phase === Phase.Count || this.#phase === Phase.Body) {
      const sample = this.#phase === Phase.Count ? Buffer.from(this.#countText(), 'latin1') : this.#sample();
      this.on.badFrame(ErrorCodes.FRAME_INVALID, 'connection closed inside an octet-counted frame', sample);
    }
    this.#reset(Phase.Start);
  }

  #step(chunk: Buffer, i: number): number {
    switch (this.#phase) {
      case Phase.Start: {
        const b = chunk[i]!;
        // Stray trailers between frames (a LF after an octet-counted frame, blank lines) are no frames.
        if (b === LF || b === CR || b === NUL) return i + 1;
        this.#begun++;
        if (this.mode === 'auto' && isDigit(b)) {
          this.#phase = Phase.Count;
          this.#remaining = 0;
          this.#digits = 0;
        } else {
          this.#phase = Phase.Line;
        }
        return i;
      }
      case Phase.Count:
        return this.#count(chunk, i);
      case Phase.Body: {
        const n = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= n;
        if (this.#remaining > 0) {
          this.#append(chunk.subarray(i, i + n));
        } else if (this.#size === 0) {
          this.on.frame(chunk.subarray(i, i + n));
          this.#phase = Phase.Start;
        } else {
          this.#append(chunk.subarray(i, i + n));
          this.on.frame(Buffer.concat(this.#parts, this.#size));
          this.#reset(Phase.Start);
        }
        return i + n;
      }
      case Phase.Skip: {
        const n = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= n;
        if (this.#remaining === 0) this.#phase = Phase.Start;
        return i + n;
      }
      case Phase.Line:
        return this.#line(chunk, i);
      case Phase.DiscardLine: {
        const j = this.#trailer(chunk, i);
        if (j < 0) return chunk.length;
        this.#phase = Phase.Start;
        return j + 1;
      }
    }
  }

  #count(chunk: Buffer, i: number): number {
    const b = chunk[i]!;
    if (isDigit(b)) {
      this.#remaining = this.#remaining * 10 + (b - 0x30);
      if (++this.#digits > MAX_COUNT_DIGITS)
        return this.#badCount(this.#countText(), `octet count longer than ${MAX_COUNT_DIGITS} digits`, i);
      return i + 1;
    }
    if (b !== SP) return this.#badCount(this.#countText() + String.fromCharCode(b), 'octet count not followed by a space', i);
    // Fewer digits than the value has means leading zeros (or a count of 0).
    if (this.#remaining === 0 || String(this.#remaining).length < this.#digits) {
      return this.#badCount(this.#countText(), 'octet count is zero or has a leading zero', i);
    }
    const length = this.#remaining;
    if (length > this.maxSize) {
      this.on.oversize(length);
      // The count is plausible, so skipping exactly that many bytes keeps the stream in sync.
      this.#phase = Phase.Skip;
    } else {
      this.#phase = Phase.Body;
    }
    return i + 1;
  }

  /** The count's digits as sent, leading zeros included. */
  #countText(): string {
    return this.#digits === 0 ? '' : String(this.#remaining).padStart(this.#digits, '0');
  }

  /** Reports the bad count, then resynchronises on the next LF/NUL (which may be the offending byte). */
  #badCount(seen: string, reason: string, i: number): number {
    this.on.badFrame(ErrorCodes.FRAME_BAD_COUNT, reason, Buffer.from(seen, 'latin1'));
    const b = seen.charCodeAt(seen.length - 1);
    this.#reset(b === LF || b === NUL ? Phase.Start : Phase.DiscardLine);
    return i + 1;
  }

  #line(chunk: Buffer, i: number): number {
    const j = this.#trailer(chunk, i);
    const end = j < 0 ? chunk.length : j;
    // +1 leaves room for the CR of a CRLF trailer; beyond that the line is dropped without being held.
    if (this.#size + (end - i) > this.maxSize + 1) {
      this.on.oversize(undefined);
      this.#reset(Phase.DiscardLine);
      return end;
    }
    if (j >= 0 && this.#size === 0) {
      // The whole line lies in this chunk: handed on as a view of it, no copy.
      this.#phase = Phase.Start;
      this.#emit(chunk.subarray(i, end));
      return j + 1;
    }
    this.#append(chunk.subarray(i, end));
    if (j < 0) return chunk.length;
    this.#emitLine();
    this.#reset(Phase.Start);
    return j + 1;
  }

  /** The next LF or NUL at or after `from`, or -1. */
  #trailer(chunk: Buffer, from: number): number {
    if (chunk !== this.#chunk) return findTrailer(chunk, from);
    if (this.#nulAt >= 0 && this.#nulAt < from) this.#nulAt = chunk.indexOf(NUL, from);
    const lf = chunk.indexOf(LF, from);
    if (this.#nulAt < 0) return lf;
    return lf < 0 || this.#nulAt < lf ? this.#nulAt : lf;
  }

  #emitLine(): void {
    this.#emit(Buffer.concat(this.#parts, this.#size));
  }

  #emit(line: Buffer): void {
    const frame = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
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

  #reset(phase: Phase): void {
    this.#phase = phase;
    if (this.#size > 0 || this.#parts.length > 0) {
      this.#parts = [];
      this.#size = 0;
    }
  }
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** For chunks other than the one being pushed (none today): a plain search for LF or NUL. */
function findTrailer(chunk: Buffer, from: number): number {
  const lf = chunk.indexOf(LF, from);
  const nul = chunk.indexOf(NUL, from);
  return nul < 0 || (lf >= 0 && lf < nul) ? lf : nul;
}
