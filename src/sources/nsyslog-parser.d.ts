// Types for the part of nsyslog-parser (plain CommonJS, no bundled types) that syslog-frame.ts uses.
declare module 'nsyslog-parser' {
  export interface NsyslogEntry {
    /** Set when the line looked like RFC 5424 (`<PRI>VERSION SP …`). */
    version?: number;
    /** CEF/LEEF replace the header type when the message body is in that format. */
    type?: 'RFC5424' | 'BSD' | 'UNKNOWN' | 'CEF' | 'LEEF';
    ts?: Date;
    host?: string;
    appName?: string;
    pid?: string;
    message: string;
  }
  export interface NsyslogOptions {
    cef?: boolean;
    leef?: boolean;
    fields?: boolean;
    pid?: boolean;
    /** When true (the default) a missing timestamp is replaced by now. */
    generateTimestamp?: boolean;
  }
  /** Never throws: an internal exception comes back as `{ err }`. */
  export default function parse(line: string, opts?: NsyslogOptions): NsyslogEntry | { err: unknown };
}

declare module 'nsyslog-parser/pri.js' {
  /** Facility names indexed by facility number (PRI >> 3), 0 … 23. */
  export const FACILITY: readonly { id: string; label: string }[];
}
