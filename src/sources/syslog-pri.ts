// The PRI at the start of a syslog frame (`<134>`), read from the bytes: what the frame parser and the
// pre-filter both take severity and facility from, so they cannot disagree.
import { FACILITY } from 'nsyslog-parser/pri.js';

const LT = 0x3c;
const GT = 0x3e;
export const MAX_PRIVAL = 191;

/**
 * The PRI value of `<1-3 digits>` at the frame's start, or undefined when there is none; one above 191 is
 * returned as it is, for the caller to refuse.
 */
export function readPri(frame: Buffer): number | undefined {
  if (frame[0] !== LT) return undefined;
  let value = 0;
  let i = 1;
  for (; i < 4 && i < frame.length; i++) {
    const b = frame[i]!;
    if (b < 0x30 || b > 0x39) break;
    value = value * 10 + (b - 0x30);
  }
  return i > 1 && frame[i] === GT ? value : undefined;
}

/** The PRI's length in bytes (`<134>` → 5), for a PRI readPri found. */
export function priLength(frame: Buffer): number {
  let i = 1;
  while (frame[i] !== GT) i++;
  return i + 1;
}

export function facilityName(prival: number): string {
  return FACILITY[prival >> 3]!.id;
}
