// One syslog frame (RFC 5424, RFC 3164/BSD or CEF over syslog) → one RelayEvent. Anything that does not
// parse still becomes an event carrying its raw text and a parseError, so nothing a host sent is lost.
import nsyslog from 'nsyslog-parser';
import type { RelayEvent } from '../event.ts';
import { parseRfc5424 } from './rfc5424.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { rfc3339Time, type SyslogTime } from './syslog-time.ts';
import { facilityName, MAX_PRIVAL, priLength, readPri } from './syslog-pri.ts';

export interface FrameOrigin {
  listener: string;
  peer?: string;
  /** The peer's verified TLS certificate identity. */
  peerCert?: string;
  receivedAt?: Date;
}

/** Legacy header with an ISO timestamp (rsyslog's forward format, loggen): `TS HOST TAG[PID]: MSG`. */
const ISO_LEGACY = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[([^\]]*)\])?: ?([\s\S]*)$/;
const BOM = '\uFEFF';
const DAY_MS = 86_400_000;
/**
 * nsyslog's tokenizer is quadratic in runs of spaces (64 KB of them cost seconds), and it is only
 * needed for the header, so it reads a bounded window and the rest of the frame is appended.
 */
const NSYSLOG_WINDOW = 1024;

export function syslogEvent(frame: Buffer, origin: FrameOrigin): RelayEvent {
  const receivedAt = origin.receivedAt ?? new Date();
  // Invalid UTF-8 becomes U+FFFD: a hostile byte must cost one character, not the event.
  const text = withoutTrailer(frame).toString('utf8');
  // One object per event, its fields set as they are found: no copies, and absent fields stay absent.
  const ev: RelayEvent = { receivedAt, listener: origin.listener, kind: 'syslog', message: text, raw: text, fields: {} };
  if (origin.peer !== undefined) ev.peer = origin.peer;
  if (origin.peerCert !== undefined) ev.peer_cert = origin.peerCert;

  const prival = readPri(frame);
  if (prival === undefined) return failed(ev, 'no <PRI> at the start of the frame');
  if (prival > MAX_PRIVAL) return failed(ev, `PRI ${prival} is out of range (0-${MAX_PRIVAL})`);
  // A PRI alone is still worth keeping: rules route on severity and facility.
  ev.facility = facilityName(prival);
  ev.severity = prival & 7;

  const afterPri = text.slice(priLength(frame));
  // RFC 5424 puts VERSION (1-3 digits, no leading zero) and a space right after the PRI. A longer digit run
  // is an ISO timestamp in a legacy header (`<38>2026-11-23T11:00:33 host app[1]:`, as loggen and
  // rsyslog send).
  if (/^[1-9]\d{0,2} /.test(afterPri)) {
    let parts;
    try {
      parts = parseRfc5424(afterPri);
    } catch (err) {
      return failed(ev, `RFC 5424: ${(err as Error).message}`);
    }
    header(ev, parts.host, parts.app, parts.procid);
    if (parts.msgid !== undefined) ev.msgid = parts.msgid;
    if (parts.structuredData !== undefined) ev.structuredData = parts.structuredData;
    ev.message = parts.message;
    return timed(ev, parts.time);
  }

  const iso = ISO_LEGACY.exec(afterPri);
  if (iso) {
    header(ev, nil(iso[2]), nil(iso[3]), nil(iso[4]));
    ev.message = stripBom(iso[5]!);
    return timed(ev, rfc3339Time(iso[1]!));
  }

  const bsd = parseRfc3164(afterPri, receivedAt);
  if (bsd) {
    header(ev, bsd.host, bsd.app, bsd.procid);
    ev.message = stripBom(bsd.message);
    return timed(ev, bsd.time);
  }

  // Other shapes (CEF right after the PRI, headers with a year): nsyslog's guess, on a bounded window
  // that ends on a non-space so its trim cannot eat message text at the cut.
  const window = text.slice(0, NSYSLOG_WINDOW).trimEnd();
  const p = nsyslog(window, { generateTimestamp: false, cef: true, leef: false, fields: false, pid: true });
  if ('err' in p) return failed(ev, `syslog parser failed: ${String(p.err)}`);
  if (p.version !== undefined) return failed(ev, 'RFC 5424 VERSION does not follow the PRI directly');
  if (p.type === 'UNKNOWN') return failed(ev, 'no RFC 5424 or RFC 3164 header after the PRI');
  const timestamp = bsdTimestamp(p.ts, receivedAt);
  if (timestamp !== undefined) ev.timestamp = timestamp;
  header(ev, nil(p.host), nil(p.appName), nil(p.pid));
  ev.message = stripBom((p.message + text.slice(window.length)).trimEnd());
  return ev;
}

/** Host, app and procid from a header, each only when the header had it. */
function header(ev: RelayEvent, host: string | undefined, app: string | undefined, procid: string | undefined): void {
  if (host !== undefined) ev.host = host;
  if (app !== undefined) ev.app = app;
  if (procid !== undefined) ev.procid = procid;
}

/**
 * A frame that did not parse still flows, with its raw text as the message. Its host is the peer's
 * address (or the listener's name), so its alert still says where it came from; `fields.parse_error`
 * says why, for rules and templates.
 */
function failed(event: RelayEvent, why: string): RelayEvent {
  event.host = peerHost(event.peer) ?? event.listener;
  event.parseError = why;
  event.fields.parse_error = why;
  return event;
}

/** `192.0.2.7:514` → `192.0.2.7`, `[2001:db8::1]:514` → `2001:db8::1`; Unix peers (`uid=0`) have no host. */
function peerHost(peer: string | undefined): string | undefined {
  const m = peer === undefined ? null : /^\[?([^\]]*?)\]?:\d+$/.exec(peer);
  return m ? m[1] : undefined;
}

/** The sender's time on the event; an impossible one is said in `fields.parse_error` instead of dropped silently. */
function timed(event: RelayEvent, time: SyslogTime): RelayEvent {
  if (time.timestamp) event.timestamp = time.timestamp;
  if (time.precise) event.timestampPrecise = time.precise;
  if (time.error) event.fields.parse_error = `${time.error}; the time relay received it is used instead`;
  return event;
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
