// Reading an event's fields by the names rules and templates use: `host`, `app`, `severity`,
// `fields.user`, `sd.origin.ip`, ...
import { severityName, type RelayEvent } from '../event.ts';

/** The names a rule or template may use at the top level of an event. */
export const EVENT_FIELDS = [
  'listener',
  'kind',
  'peer',
  'facility',
  'severity',
  'timestamp',
  'timestampPrecise',
  'receivedAt',
  'host',
  'app',
  'procid',
  'msgid',
  'message',
  'raw',
  'parseError',
  'fields',
  'sd',
  'token',
  'peer_cert',
] as const;

export function getField(event: RelayEvent, path: string): unknown {
  // Most tests name a top-level field (host, app, message): read it without splitting the path per event.
  if (!path.includes('.')) return path === 'sd' ? event.structuredData : (event as unknown as Record<string, unknown>)[path];
  const [head, ...rest] = path.split('.');
  let value: unknown = head === 'sd' ? event.structuredData : (event as unknown as Record<string, unknown>)[head!];
  for (const key of rest) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function isKnownField(path: string): boolean {
  const head = path.split('.')[0];
  return (EVENT_FIELDS as readonly string[]).includes(head!) && (path.includes('.') ? head === 'fields' || head === 'sd' : true);
}

/** The view of an event templates see: every field, with `severity` as its name and `level` as its number. */
export function templateView(event: RelayEvent): Record<string, unknown> {
  return {
    ...event,
    sd: event.structuredData ?? {},
    severity: severityName(event.severity),
    level: event.severity,
    timestamp: event.timestampPrecise ?? (event.timestamp ?? event.receivedAt).toISOString(),
    receivedAt: event.receivedAt.toISOString(),
  };
}
