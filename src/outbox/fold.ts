// delivery.max_queue's fold: one rule's waiting rows for a notifier become one row that says how many
// alerts and events it stands for (exact) and names the first few, so a flood of one rule costs one message
// while other rules' alerts keep their own rows and their place.
import { loudestType, type MessageType } from '../message-type.ts';
import type { FoldedSummary, OutboxRow } from './outbox-row.ts';

/** Titles kept as examples in a folded row. */
const EXAMPLES = 10;

export interface FoldedRow {
  title: string;
  body: string;
  type: MessageType;
  severity?: number;
  count: number;
  alerts: number;
  folded: FoldedSummary;
}

/** `rows`: one rule's rows of one notifier, in order (a row folded before may be among them). */
export function foldRows(rows: readonly OutboxRow[], notifier: string, reason: string): FoldedRow {
  const summary: FoldedSummary = { alerts: 0, events: 0, firstAt: Infinity, lastAt: -Infinity, examples: [] };
  for (const r of rows) {
    const part = r.folded ?? { alerts: r.alerts, events: r.count, firstAt: r.createdAt, lastAt: r.createdAt, examples: [r.title] };
    summary.alerts += part.alerts;
    summary.events += part.events;
    summary.firstAt = Math.min(summary.firstAt, part.firstAt);
    summary.lastAt = Math.max(summary.lastAt, part.lastAt);
    for (const e of part.examples) if (summary.examples.length < EXAMPLES) summary.examples.push(e);
  }
  const rule = rows[0]!.rule;
  const severities = rows.flatMap((r) => (r.severity === undefined ? [] : [r.severity]));
  const more = summary.alerts - summary.examples.length;
  return {
    title: `${rule}: ${summary.alerts} alerts folded into one (${reason})`,
    body: [
      `${summary.alerts} alerts (${summary.events} events) of rule ${rule} for ${notifier}, from ${iso(summary.firstAt)} to ${iso(summary.lastAt)}:`,
      ...summary.examples.map((t) => `• ${t}`),
      ...(more > 0 ? [`… and ${more} more`] : []),
    ].join('\n'),
    type: loudestType(rows.map((r) => r.type)),
    ...(severities.length > 0 ? { severity: Math.min(...severities) } : {}),
    count: summary.events,
    alerts: summary.alerts,
    folded: summary,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
