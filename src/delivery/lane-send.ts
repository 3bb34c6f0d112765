// One send of a lane: an alert (or a digest of a backlog) through its notifier, within the lane's pace and
// concurrency, and its outcome — delivered rows removed from the outbox in one transaction with the other
// sends that finished in the same turn (one commit for many), failures handed to send-failure.ts.
import type { Message } from '../../notifiers/types.ts';
import { NotifyError } from '../errors.ts';
import type { OutboxRow } from '../outbox/outbox.ts';
import type { SendOutcome } from './adaptive-concurrency.ts';
import type { DeliveryState } from './delivery-state.ts';
import { digestMessage } from './digest.ts';
import { keyOf, paced, type Lane } from './lane.ts';
import { failed } from './send-failure.ts';

/** Sends `rows` (one alert, or several as one digest) in the background; the lane's loop goes on. */
export function startSend(state: DeliveryState, lane: Lane, rows: OutboxRow[]): void {
  lane.idle = false;
  for (const r of rows) {
    lane.sending.add(r.seq);
    lane.sendingKeys.add(keyOf(r));
  }
  const send = attempt(state, lane, rows)
    .catch((e: unknown) => {
      lane.broken ??= e;
    })
    .finally(() => {
      for (const r of rows) {
        lane.sending.delete(r.seq);
        lane.sendingKeys.delete(keyOf(r));
      }
      lane.sends.delete(send);
      lane.wake?.();
      state.onProgress?.();
    });
  lane.sends.add(send);
}

async function attempt(state: DeliveryState, lane: Lane, rows: OutboxRow[]): Promise<void> {
  const folded = rows.length > 1;
  const message = folded ? digestMessage(lane.notifier.name, rows, rows[0]!.attempts > 0) : messageOf(rows[0]!);
  const ticket = lane.arc.started(lane.sending.size - rows.length);
  const startedAt = performance.now();
  let outcome: SendOutcome = 'ok';
  let parts = 0;
  // Before each part of the message (most have one): the previous part has its answer, the next waits its turn.
  const pace = (s?: AbortSignal): Promise<void> => {
    if (parts++ > 0) lane.pacer.finished();
    return lane.pacer.acquire(s);
  };
  // Not AbortSignal.any of a shutdown signal and AbortSignal.timeout: those two add weak references and a
  // finalization registry to every alert, a measurable share of an idle alert's time (README → Benchmarks).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), state.config.timeout);
  state.aborts.add(abort);
  try {
    const signal = abort.signal;
    await lane.notifier.send(message, paced(rows[0]!) ? { signal, pace, rateLimit: (s) => lane.pacer.told(s) } : { signal });
  } catch (e) {
    outcome = 'rejected';
    // Cut short by shutdown: the rows stay as they were, for the next start.
    if (state.stopped) return;
    // A retry can help: the receiver is down, overloaded or limiting (429, 5xx, timeout), so fewer at once.
    outcome = e instanceof NotifyError && e.retryable ? 'pushback' : 'rejected';
    failed(state, lane, rows, e);
    return;
  } finally {
    clearTimeout(timer);
    state.aborts.delete(abort);
    if (parts > 0) lane.pacer.finished();
    lane.arc.finished(ticket, performance.now() - startedAt, outcome);
  }
  await delivered(state, lane, rows);
}

/** Written in one transaction with the other sends that finished in the same turn of the event loop: one commit for many. */
function delivered(state: DeliveryState, lane: Lane, rows: OutboxRow[]): Promise<void> {
  return new Promise((resolve, reject) => {
    state.done.push({ lane, rows, resolve, reject });
    if (state.done.length === 1) setImmediate(() => writeDelivered(state));
  });
}

function writeDelivered(state: DeliveryState): void {
  const done = state.done.splice(0);
  try {
    state.outbox.remove(done.flatMap((d) => d.rows));
  } catch (e) {
    for (const d of done) d.reject(e);
    return;
  }
  for (const { lane, rows, resolve } of done) {
    state.forget(lane, rows.length);
    const alerts = rows.reduce((n, r) => n + r.alerts, 0);
    state.stats.sent += alerts;
    state.byNotifier.of(lane).sent += alerts;
    if (rows.length > 1) {
      state.stats.folded += alerts;
      state.byNotifier.of(lane).folded += alerts;
      state.log.info({ notifier: lane.notifier.name, alerts }, 'backlog sent as one digest');
    }
    state.log.debug({ notifier: lane.notifier.name, alert: rows[0]!.alertId, alerts: rows.length }, 'alert sent');
    lane.health.recovered(state.clock.now(), rows.length);
    resolve();
  }
}

function messageOf(row: OutboxRow): Message {
  return {
    title: row.title, body: row.body, type: row.type, ...(row.severity === undefined ? {} : { severity: row.severity }),
    ...(row.recipient ? { recipient: row.recipient } : {}), ...(row.answers ? { answers: row.answers } : {}),
  };
}
