// One syslog frame (RFC 5424, RFC 3164/BSD or CEF over syslog) → one RelayEvent. Anything that does not
// parse still becomes an event carrying its raw text and a parseError, so nothing a host sent is lost.
import nsyslog from 'nsyslog-parser';
import type { RelayEvent } from '../event.ts';
import { parseRfc5424 } from './rfc5424.ts';

export interface FrameOrigin {
  listener: string;
  peer?: string;
  receivedAt?: Date;
}

const BOM = '\uFEFF';
const DAY_MS = 86_400_000;

export function syslogEvent(frame: Buffer, origin: FrameOrigin): RelayEvent {
  const receivedAt = origin.receivedAt ?? new Date();
  // Invalid UTF-8 becomes U+FFFD: a hostile byte must cost one character, not the event.
  const text = withoutTrailer(frame).toString('utf8');
  const base: RelayEvent = { receivedAt, listener: origin.listener, kind: 'syslog', message: text, raw: text, fields: {} };
  if (origin.peer !== undefined) base.peer = origin.peer;

  const p = nsyslog(text, { generateTimestamp: false, cef: true, leef: false, fields: false, pid: true });
  if ('err' in p) return { ...base, parseError: `syslog parser failed: ${String(p.err)}` };
  if (!p.pri) return { ...base, parseError: 'no <PRI> at the start of the frame' };
  // A PRI alone is still worth keeping: rules route on severity and facility.
  const pri = { ...base, facility: p.facility, severity: p.levelval };

  if (p.version !== undefined) {
    try {
      return defined({ ...pri, ...parseRfc5424(text.slice(p.pri.length)) });
    } catch (err) {
      return { ...pri, parseError: `RFC 5424: ${(err as Error).message}` };
    }
  }
  if (p.type === 'UNKNOWN') return { ...pri, parseError: 'no RFC 5424 or RFC 3164 header after the PRI' };
  return defined({
    ...pri,
    timestamp: bsdTimestamp(p.ts, receivedAt),
    host: nil(p.host),
    app: nil(p.appName),
    procid: nil(p.pid),
    message: stripBom(p.message),
  });
}

/** Syslog senders end frames with any mix of CR, LF and NUL; none of it is message. */
function withoutTrailer(frame: Buffer): Buffer {
  let end = frame.length;
  while (end > 0) {
    const b = frame[end - 1];
    if (b !== 0x0a && b !== 0x0d && b !== 0x00) break;
    end--;
  }
  return frame.subarray(0, end);
}

/**
 * RFC 3164 timestamps have no year; the parser assumes this one, so a December line read on January 1st
 * would land in the future. More than a day ahead means it was last year.
 */
function bsdTimestamp(ts: Date | undefined, receivedAt: Date): Date | undefined {
  if (!ts || Number.isNaN(ts.getTime())) return undefined;
  if (ts.getTime() - receivedAt.getTime() > DAY_MS) {
    const last = new Date(ts);
    last.setFullYear(ts.getFullYear() - 1);
    return last;
  }
  return ts;
}

function nil(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === '-' ? undefined : v;
}

function stripBom(s: string): string {
  return s.startsWith(BOM) ? s.slice(1) : s;
}

/** Leaves absent fields absent, so events print and compare without `key: undefined` noise. */
function defined(ev: RelayEvent): RelayEvent {
  for (const k of Object.keys(ev) as (keyof RelayEvent)[]) if (ev[k] === undefined) delete ev[k];
  return ev;
}
