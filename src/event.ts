// The one event type every stage speaks: what a listener received, what the syslog parser
// understood of it, and what `parsers/` extracted into `fields`.

export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

/** Aliases people write in rules (`error`, `warn`, `critical`, `emergency`, `panic`). */
const SEVERITY_ALIASES: Record<string, number> = {
  emergency: 0,
  panic: 0,
  critical: 2,
  error: 3,
  warn: 4,
  information: 6,
  informational: 6,
};

/** Severity name or alias → numeric level (0 = emerg … 7 = debug); undefined when unknown. */
export function severityLevel(name: string): number | undefined {
  const n = name.toLowerCase();
  const i = (SEVERITIES as readonly string[]).indexOf(n);
  return i >= 0 ? i : SEVERITY_ALIASES[n];
}

/** `relay`: what relay itself says (a host on the sudo path fell silent or came back). */
export type SourceKind = 'syslog' | 'sudo' | 'json' | 'http' | 'relay';

export interface RelayEvent {
  /** When relay received it (relay's clock). */
  receivedAt: Date;
  /** Name of the listener from config (or `replay`, `spool`). */
  listener: string;
  kind: SourceKind;
  /** `ip:port` for network peers, `uid=N` for Unix peers when known. */
  peer?: string;
  /**
   * TLS listeners: the client certificate's verified identity (subject CN, else its first SAN), which rules
   * can trust more than the claimed `host`. Snake case because it is what rules write.
   */
  peer_cert?: string;
  /** HTTP ingest: the name (never the secret) of the bearer token the event came with, which rules can trust. */
  token?: string;
  facility?: string;
  /** 0 (emerg) … 7 (debug). */
  severity?: number;
  /** The sender's timestamp when it had one (a valid one: an impossible time is said in `fields.parse_error`). */
  timestamp?: Date;
  /** The sender's timestamp as ISO 8601 UTC with microseconds, when it gave more precision than `timestamp` holds. */
  timestampPrecise?: string;
  host?: string;
  app?: string;
  procid?: string;
  msgid?: string;
  /** RFC 5424 structured data: SD-ID → params. */
  structuredData?: Record<string, Record<string, string>>;
  message: string;
  /** The frame as received, kept for events the syslog parser could not understand. */
  raw?: string;
  /** Set when the frame did not parse as syslog; the event still flows with its raw text. */
  parseError?: string;
  /** What parsers extracted (sudo user, sshd source ip, ...); usable in rules and templates. */
  fields: Record<string, unknown>;
}

export function severityName(level: number | undefined): SeverityName | undefined {
  return level === undefined ? undefined : SEVERITIES[level];
}
