// The one message a rate limit sends when it releases what it held: every distinct held alert (rule + key)
// on its own line with its own title and count — the loudest first (type, or syslog severity when louder),
// then by severity, then in the order held — and the overflow entry counted apart. The title names the
// loudest first, each title once with how many held alerts carry it (`root login on web07 ×2`). A held
// digest keeps its own per-key counts, summed over the digests held under its key. One alert held once goes out as itself. Title and body say the same totals.
import { randomUUID } from 'node:crypto';
import { countedTitle, type Alert } from '../alert.ts';
import { LIST_ENTRY } from '../../notifiers/types.ts';
import { loudestType, typeRank } from '../message-type.ts';

/** One distinct alert (rule + key) a limit holds: the latest of them and what they add up to. */
export interface Held {
  alert: Alert;
  alerts: number;
  events: number;
  /** When the first of them was held. */
  since: number;
  /** Order held within the limit (ties of `since` included), kept across restarts. */
  seq: number;
  /** Events per key of the digests held here, summed (a digest's own breakdown, never only the latest one's). */
  keys?: [string, number][];
}

/** Alerts held past `limits.keys_per_rule` distinct keys, counted together (per rule, for the message). */
export interface Overflow {
  alerts: number;
  events: number;
  /** [rule, alerts] in the order first seen (a list: rule names are data, never object keys). */
  rules: [string, number][];
}

/** Characters of held alerts' headlines the released message's title holds before counting the rest. */
const TITLE_HEADLINES = 120;
/** Characters of a held alert's first body line shown under its title. */
const EXCERPT = 160;
/** Keys of a held digest listed by their counts before the rest are summed. */
const LISTED_KEYS = 10;

/**
 * How loud an alert is, as the notifiers' priorities read it: its type, or its syslog severity when that says
 * more (crit and worse as loud as a failure, err as a warning), so a failure is never listed after routine.
 */
function loudness(alert: Alert): number {
  const severity = alert.severity ?? 8;
  return Math.max(typeRank(alert.type), severity <= 2 ? typeRank('failure') : severity === 3 ? typeRank('warning') : 0);
}

/** Adds a held digest's per-key counts to what its entry holds. */
export function addKeys(held: Held, alert: Alert): void {
  if (!alert.keys?.length) return;
  const sum = new Map(held.keys ?? []);
  for (const [key, n] of alert.keys) sum.set(key, (sum.get(key) ?? 0) + n);
  held.keys = [...sum];
}

/** `limit` names the limit: "rule auth-failure", "notifier chat". */
export function releaseMessage(limit: string, held: readonly Held[], overflow: Overflow, now: number): Alert {
  const since = new Date(Math.min(...held.map((h) => h.since), now)).toISOString();
  if (held.length === 1 && held[0]!.alerts === 1 && overflow.alerts === 0) {
    const { alert } = held[0]!;
    return { ...alert, body: `${alert.body}\n\n(held back by ${limit}'s rate limit since ${since})` };
  }
  const entries = [...held].sort(
    (a, b) => loudness(b.alert) - loudness(a.alert) || (a.alert.severity ?? 8) - (b.alert.severity ?? 8) || a.seq - b.seq,
  );
  const alerts = entries.reduce((n, h) => n + h.alerts, 0) + overflow.alerts;
  const events = entries.reduce((n, h) => n + h.events, 0) + overflow.events;
  const list = entries.flatMap(entryLines);
  if (overflow.alerts > 0) {
    const rules = overflow.rules.map(([rule, n]) => `${rule} ×${n}`).join(', ');
    list.push(`${LIST_ENTRY}… and ${overflow.alerts} more alerts (${overflow.events} events) past limits.keys_per_rule: ${rules}`);
  }
  const lines = [`Held back by ${limit}'s rate limit since ${since}: ${events} events.`, ...list];
  const single = entries.length === 1 && overflow.alerts === 0 ? entries[0]!.alert : undefined;
  // One key held several times: its own headline, and the latest of them in full (samples, digest).
  if (single) lines.push('', 'The latest of them:', single.body);
  const headline = single ? (single.headline ?? single.title) : titleOf(entries, alerts);
  const all = entries.map((h) => h.alert);
  const severities = all.flatMap((a) => (a.severity === undefined ? [] : [a.severity]));
  return {
    id: randomUUID(),
    rule: [...new Set([...all.map((a) => a.rule), ...overflow.rules.map(([rule]) => rule)])].join(', '),
    notify: all[0]!.notify,
    title: countedTitle({ title: headline, headline }, events),
    headline,
    body: lines.join('\n'),
    ...(single ? {} : { held: list.filter((l) => !l.startsWith('  ') || l.trimStart().startsWith('•')) }),
    // The message is as loud as its loudest alert.
    type: loudestType(all.map((a) => a.type)),
    ...(severities.length > 0 ? { severity: Math.min(...severities) } : {}),
    key: `${limit}\u0000released\u0000${now}`,
    createdAt: now,
    count: events,
  };
}

/**
 * The held alerts' own headlines, loudest first, each once with how many alerts carry it, as many as fit;
 * the rest counted as other alerts.
 */
function titleOf(entries: readonly Held[], alerts: number): string {
  const heads = new Map<string, number>();
  for (const h of entries) {
    const head = h.alert.headline ?? h.alert.title;
    heads.set(head, (heads.get(head) ?? 0) + h.alerts);
  }
  const shown: string[] = [];
  let said = 0;
  for (const [head, n] of heads) {
    const named = n > 1 ? `${head} ×${n}` : head;
    if (shown.length > 0 && shown.join('; ').length + named.length > TITLE_HEADLINES) break;
    shown.push(named);
    said += n;
  }
  const rest = alerts - said;
  return rest > 0 ? `${shown.join('; ')} and ${rest} other held alert${rest === 1 ? '' : 's'}` : shown.join('; ');
}

/**
 * One held alert's line: its title and count, then its first body line, or, when it is itself an earlier
 * limit's release message (a rule's limit, then the notifier's), that message's own list, indented.
 */
function entryLines(h: Held): string[] {
  const line = `${LIST_ENTRY}${countedTitle(h.alert, h.events)}${h.alerts > 1 ? ` — ${h.alerts} alerts` : ''}`;
  if (h.alert.held) return [line, ...h.alert.held.map((l) => `  ${l}`)];
  const first = excerpt(h.alert);
  return [line, ...(first ? [`  ${first}`] : []), ...keyLines(h)];
}

/** A held digest's events per key, most first; past LISTED_KEYS, and events of no listed key, summed. */
function keyLines(h: Held): string[] {
  if (!h.keys?.length) return [];
  const keys = [...h.keys].sort((a, b) => b[1] - a[1]);
  const listed = keys.slice(0, LISTED_KEYS);
  const rest = h.events - listed.reduce((n, [, c]) => n + c, 0);
  const more = keys.length - listed.length;
  const tail = rest > 0 ? [`… and ${rest} more${more > 0 ? ` under ${more}+ other keys` : ''}`] : [];
  return [`  by key: ${[...listed.map(([key, n]) => `${n} × ${key || '(no key)'}`), ...tail].join(', ')}`];
}

/** The first body line when it says more than the title. */
function excerpt(alert: Alert): string {
  const line = alert.body.split('\n', 1)[0]!.trim();
  if (line === '' || line === (alert.headline ?? alert.title)) return '';
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
}
