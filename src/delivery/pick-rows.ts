// Which of a lane's rows go out next: the rows that may start now within the free slots, in order, never
// two of one alert key at once; or, for a digest, the rows it may fold.
import type { OutboxHead, OutboxRow } from '../outbox/outbox.ts';
import { keyOf } from './in-flight.ts';

/** `held`: the keys in flight (added to here). Due rows with no earlier row of their key waiting or in flight. */
export function readyRows<T extends OutboxHead>(rows: readonly T[], free: number, held: Set<string>, now: number): T[] {
  const picked: T[] = [];
  for (const row of rows) {
    if (picked.length >= free) break;
    const key = keyOf(row);
    if (held.has(key)) continue;
    held.add(key);
    if (row.nextAttemptAt <= now) picked.push(row);
  }
  return picked;
}

/** The rows a digest may fold: up to the first row for one person, which goes alone (never into a digest others read). */
export function undirected(rows: OutboxRow[]): OutboxRow[] {
  const cut = rows.findIndex((r) => r.recipient !== undefined);
  return cut === -1 ? rows : rows.slice(0, Math.max(1, cut));
}
