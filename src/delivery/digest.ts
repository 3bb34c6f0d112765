// Folds alerts that piled up while a notifier was unavailable, or slow to take them, into one message, so
// a recovering or rate-limited provider gets one request instead of the whole backlog. Nothing is left out:
// the title carries the count, the body lists the first alerts and counts the rest by rule.
import type { Message } from '../../notifiers/types.ts';
import { LIST_ENTRY } from '../../notifiers/types.ts';
import { loudestType } from '../message-type.ts';
import type { OutboxRow } from '../outbox/outbox.ts';

/** Alerts listed one by one; the rest are summed per rule so the body stays within provider limits. */
const LISTED = 20;
/** Characters of each listed alert's body (first line only). */
const BODY_EXCERPT = 160;

/** `failing`: the backlog built up while sends failed (else behind a slow or paced provider). */
export function digestMessage(notifier: string, rows: readonly OutboxRow[], failing = true): Message {
  const events = rows.reduce((sum, r) => sum + r.count, 0);
  // A row folded by delivery.max_queue stands for many alerts.
  const alerts = rows.reduce((sum, r) => sum + r.alerts, 0);
  const lines = rows.slice(0, LISTED).map((r) => `${LIST_ENTRY}${r.title}${excerpt(r.body)}`);
  const rest = rows.slice(LISTED);
  if (rest.length > 0) lines.push(`… and ${rest.reduce((sum, r) => sum + r.alerts, 0)} more: ${perRule(rest)}`);
  const first = new Date(rows[0]!.createdAt).toISOString();
  const last = new Date(rows[rows.length - 1]!.createdAt).toISOString();
  const severities = rows.flatMap((r) => (r.severity === undefined ? [] : [r.severity]));
  return {
    title: `${alerts} alerts ${failing ? `held while ${notifier} was unavailable` : `queued while ${notifier} was busy`}`,
    body: `${alerts} alerts (${events} events) from ${first} to ${last}:\n${lines.join('\n')}`,
    // The digest is as loud as its loudest alert.
    type: loudestType(rows.map((r) => r.type)),
    ...(severities.length > 0 ? { severity: Math.min(...severities) } : {}),
  };
}

function excerpt(body: string): string {
  const line = body.split('\n', 1)[0]!.trim();
  if (line === '') return '';
  return ` — ${line.length > BODY_EXCERPT ? `${line.slice(0, BODY_EXCERPT - 1)}…` : line}`;
}

function perRule(rows: readonly OutboxRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.rule, (counts.get(r.rule) ?? 0) + r.alerts);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(', ');
}
