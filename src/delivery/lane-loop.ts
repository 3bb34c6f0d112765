// A lane's loop: looks at the head of its notifier's rows and decides what happens next — expire, move to
// the fallback, wait (a retry's time, the provider's bucket, a free slot), fold a backlog into a digest, or
// start the sends that may go now, never two of one alert key at once. One loop per lane, so a notifier in an
// outage waits as one lane instead of as one timer per alert.
import { describeError } from '../describe-error.ts';
import type { OutboxHead, OutboxRow } from '../outbox/outbox.ts';
import type { DeliveryState } from './delivery-state.ts';
import { keyOf, paced, type Lane } from './lane.ts';
import { startSend } from './lane-send.ts';
import { expire, rerouted } from './send-failure.ts';

/** Most alerts folded into one digest; a larger backlog goes out as several, still in order. */
const FOLD_MAX = 1000;

/**
 * Rows may have landed: starts the lane's loop, or wakes it when it waits for rows or a free slot (not when
 * it waits for a time: its head is not due, and rows behind it wait with it). Nothing once stopping.
 */
export function kick(state: DeliveryState, lane: Lane, only?: readonly OutboxRow[]): void {
  if (state.stopped) return;
  if (!lane.running) lane.loop = run(state, lane, only);
  else if (lane.wakeAt === undefined) lane.wake?.();
}

/**
 * `only`: every row the lane has, whole, as just written (an idle lane's new alerts): its first look needs
 * no read of the outbox. Later looks read it.
 */
async function run(state: DeliveryState, lane: Lane, only?: readonly OutboxRow[]): Promise<void> {
  lane.running = true; // set synchronously, so an enqueue during the loop never starts a second one
  const name = lane.notifier.name;
  const { config, outbox, clock } = state;
  let fresh = only;
  try {
    while (!state.stopped && !lane.retired) {
      if (lane.broken !== undefined) throw lane.broken;
      // Every row of the lane is being sent, or no slot is free: nothing to read until a send ends or rows
      // land. Right after starting a send this is where the loop yields, so the send's request goes out
      // before any further read.
      if (lane.sending.size > 0 && (lane.pending <= lane.sending.size || lane.sending.size >= lane.arc.limit)) {
        await waitUntil(state, lane, undefined);
        continue;
      }
      // The oldest rows not being sent, with room to look past keys that must wait (not more: this read
      // runs once per finished send, and its rows are most of the CPU a fast lane costs). Light rows: the
      // title and body are read only for the rows picked to send.
      const free = Math.max(0, lane.arc.limit - lane.sending.size);
      const whole = fresh;
      fresh = undefined;
      const rows = whole ?? outbox.heads(name, lane.sending.size + 2 * free + 8).filter((r) => !lane.sending.has(r.seq));
      // Taken after the read and handed to the pacer: two readings a millisecond apart would make a row
      // that is due now look due in 1 ms, and the lane would wait for a timer.
      const now = clock.now();
      const head = rows[0];
      if (!head) {
        if (lane.sending.size === 0) break;
        await waitUntil(state, lane, undefined);
        continue;
      }
      // Rows are in enqueue order, so an expired backlog starts at the head.
      if (head.enqueuedAt + config.max_age <= now) {
        expire(state, lane, now);
        continue;
      }
      const rerouteAt = state.fallbacks.dueAt(name, head);
      if (rerouteAt <= now) {
        const moved = state.fallbacks.moveWaiting(name, now, lane.sending);
        state.forget(lane, moved.rows);
        rerouted(state, lane, moved);
        continue;
      }
      // The head waits (a retry's time, the provider's bucket): so does the lane, as one lane in an outage.
      const due = Math.min(Math.max(head.nextAttemptAt, paced(head) ? lane.pacer.readyAt(now) : 0), head.enqueuedAt + config.max_age, rerouteAt);
      if (due > now) {
        await waitUntil(state, lane, due);
        continue;
      }
      // A backlog that built up behind a failing or slow notifier goes out as one digest, not one by one
      // (to people; a webhook read by a program gets every alert as its own message). The first alert after
      // a quiet spell goes alone, at once.
      const backlog = lane.notifier.foldsBacklog && lane.pending > config.fold_after && (head.attempts > 0 || !lane.idle);
      const picked = backlog ? [undirected(outbox.head(name, FOLD_MAX))]
        : (whole ? ready(lane, whole, now) : outbox.rows(ready(lane, rows, now).map((r) => r.seq))).map((r) => [r]);
      if (picked.length === 0) {
        await waitUntil(state, lane, undefined);
        continue;
      }
      for (const batch of picked) startSend(state, lane, batch);
    }
  } catch (e) {
    state.log.error({ notifier: name, err: describeError(e) }, 'delivery stopped: the outbox could not be read or written');
  } finally {
    await Promise.allSettled([...lane.sends]);
    lane.idle = true;
    lane.running = false;
    state.onProgress?.();
  }
}

/** Rows that may start now, in order, within the lane's limit: due, and no earlier row of their key waiting or in flight. */
function ready<T extends OutboxHead>(lane: Lane, rows: readonly T[], now: number): T[] {
  const free = lane.arc.limit - lane.sending.size;
  const held = new Set(lane.sendingKeys);
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
function undirected(rows: OutboxRow[]): OutboxRow[] {
  const cut = rows.findIndex((r) => r.recipient !== undefined);
  return cut === -1 ? rows : rows.slice(0, Math.max(1, cut));
}

/** Until `at`, or (without it, or sooner) until a send finishes or shutdown wakes the lane. */
function waitUntil(state: DeliveryState, lane: Lane, at: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      timer?.cancel();
      lane.wakeAt = undefined;
      lane.wake = undefined;
      resolve();
    };
    const timer = at === undefined ? undefined : state.clock.setTimer(at - state.clock.now(), done);
    lane.wakeAt = at;
    lane.wake = done;
    state.onProgress?.();
  });
}
