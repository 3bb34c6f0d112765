// One syslog frame (RFC 5424, RFC 3164/BSD or CEF over syslog) → one RelayEvent. Anything that does not
// parse still becomes an event carrying its raw text and a parseError, so nothing a host sent is lost.
import nsyslog from 'nsyslog-parser';
import type { RelayEvent } from '../event.ts';
import { parseIsoLegacy } from './iso-legacy.ts';
import { frameText } from './frame-text.ts';
import { afterVersion, parseRfc5424, type Rfc5424Parts } from './rfc5424.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { NO_TIME, type SyslogTime } from './syslog-time.ts';
import { facilityName, MAX_PRIVAL, priLength, readPri } from './syslog-pri.ts';

export interface FrameOrigin {
  listener: string;
  peer?: string;
  /** The peer's verified TLS certificate identity. */
  peerCert?: string;
  receivedAt?: Date;
}

const BOM = '\uFEFF';
const DAY_MS = 86_400_000;
/**
 * nsyslog's tokenizer is quadratic in runs of spaces (a long run costs seconds), and it is only
 * needed for the header, so it reads a bounded window and the rest of the frame is appended.
 */
const NSYSLOG_WINDOW = 1024;
/** Where every RFC 5424 frame's parts are written before syslogEvent copies them onto its event: one object, not one a line. */
const PARTS: Rfc5424Parts = { time: NO_TIME, message: '' };

export function syslogEvent(frame: Buffer, origin: FrameOrigin): RelayEvent {
  const receivedAt = origin.receivedAt ?? new Date();
  const { text, head, tail } = frameText(frame);
  const ev = newEvent(receivedAt, origin, text);

  const prival = readPri(frame);
  if (prival === undefined) return failed(ev, 'no <PRI> at the start of the frame');
  if (prival > MAX_PRIVAL) return failed(ev, `PRI ${prival} is out of range (0-${MAX_PRIVAL})`);
  // A PRI alone is still worth keeping: rules route on severity and facility.
  ev.facility = facilityName(prival);
  ev.severity = prival & 7;

  // The PRI is ASCII, so where it ends in the bytes is where it ends in the text.
  const at = priLength(frame);
  // RFC 5424 puts VERSION (1-3 digits, no leading zero) and a space right after the PRI. A longer digit run
  // is an ISO timestamp in a legacy header (`<38>2026-11-23T11:00:33 host app[1]:`, as loggen and
  // rsyslog send). The head decides as the text would: it is a prefix, and a BOM is neither digit nor space.
  if (afterVersion(head, at) >= 0) {
    let parts;
    try {
      parts = rfc5424(text, head, tail, at);
    } catch (err) {
      return failed(ev, `RFC 5424: ${(err as Error).message}`);
    }
    header(ev, parts.host, parts.app, parts.procid);
    if (parts.msgid !== undefined) ev.msgid = parts.msgid;
    if (parts.structuredData !== undefined) ev.structuredData = parts.structuredData;
    ev.message = parts.message;
    return timed(ev, parts.time);
  }

  const iso = parseIsoLegacy(text, at);
  if (iso) {
    header(ev, iso.host, iso.app, iso.procid);
    ev.message = iso.message;
    return timed(ev, iso.time);
  }

  const bsd = parseRfc3164(text, at, receivedAt);
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

/**
 * The RFC 5424 parts of a frame. When its BOM was cut out (frame-text.ts) and MSG starts right there, as
 * loggen and syslog-ng write it, the head alone holds the header and SD, and the tail is the message: the
 * text is never joined. Anything else (a BOM inside the header or SD, or MSG starting before it) is read
 * from the whole text.
 */
function rfc5424(text: string, head: string, tail: string | undefined, at: number): Rfc5424Parts {
  // A head ending in a space whose MSG comes out empty is one whose MSG started at the BOM.
  if (tail !== undefined && head.charCodeAt(head.length - 1) === 0x20) {
    const parts = headParts(head, at);
    if (parts?.message === '') {
      parts.message = tail;
      return parts;
    }
  }
  return parseRfc5424(text, at, PARTS);
}

/** The head's parts, or undefined when it does not parse alone: the whole text decides then. */
function headParts(head: string, at: number): Rfc5424Parts | undefined {
  try {
    return parseRfc5424(head, at, PARTS);
  } catch {
    return undefined;
  }
}

/** A frame kept as raw text when parsing it failed outright (intake.ts's backstop for a parser bug). */
export function unparsedEvent(frame: Buffer, origin: FrameOrigin, why: string): RelayEvent {
  const { text } = frameText(frame);
  return failed(newEvent(origin.receivedAt ?? new Date(), origin, text), why);
}

/**
 * One object per event, its fields set as they are found: no copies, and absent fields stay absent. Built by
 * a constructor, not as an object literal, for V8's slack tracking: the fields set after it (severity, host,
 * app, timestamp, ...) are then held in the object itself instead of in a property array regrown three at a
 * time.
 */
function newEvent(receivedAt: Date, origin: FrameOrigin, text: string): RelayEvent {
  const ev = new (SyslogEvent as unknown as new (receivedAt: Date, listener: string, text: string) => RelayEvent)(
    receivedAt,
    origin.listener,
    text,
  );
  if (origin.peer !== undefined) ev.peer = origin.peer;
  if (origin.peerCert !== undefined) ev.peer_cert = origin.peerCert;
  return ev;
}

function SyslogEvent(this: RelayEvent, receivedAt: Date, listener: string, text: string): void {
  this.receivedAt = receivedAt;
  this.listener = listener;
  this.kind = 'syslog';
  this.message = text;
  this.raw = text;
  this.fields = {};
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
