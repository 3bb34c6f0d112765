// One send of a lane: an alert (or a digest of a backlog) through its notifier, within the lane's pace and
// concurrency, cut off by its own timeout or by shutdown. What its outcome does to the rows is the lane's.
import type { Message, Notifier } from '../../notifiers/types.ts';
import { NotifyError } from '../errors.ts';
import type { OutboxRow } from '../outbox/outbox.ts';
import type { AdaptiveConcurrency, SendOutcome } from './adaptive-concurrency.ts';
import { digestMessage } from './digest.ts';
import type { Pacer } from './pacer.ts';
import type { Shutdown } from './shutdown.ts';

export interface SendTools {
  arc: AdaptiveConcurrency;
  pacer: Pacer;
  shutdown: Shutdown;
  /** delivery.timeout, ms. */
  timeout: number;
}

/**
 * A provider's limits are per channel: a message for one person goes to that person's own channel (a DM,
 * their address), not the one the notifier's pace and bucket count.
 */
export function paced(row: Pick<OutboxRow, 'recipient'>): boolean {
  return row.recipient === undefined;
}

/**
 * Sends `rows` (one alert, or several as one digest); resolves once the provider took it, throws what the
 * notifier threw. `inFlight`: the lane's rows in flight, these included.
 */
export async function sendRows(notifier: Notifier, rows: readonly OutboxRow[], inFlight: number, tools: SendTools): Promise<void> {
  const { arc, pacer, shutdown } = tools;
  const message = rows.length > 1 ? digestMessage(notifier.name, rows, rows[0]!.attempts > 0) : messageOf(rows[0]!);
  const ticket = arc.started(inFlight - rows.length);
  const startedAt = performance.now();
  let outcome: SendOutcome = 'ok';
  let parts = 0;
  // Before each part of the message (most have one): the previous part has its answer, the next waits its turn.
  const pace = (s?: AbortSignal): Promise<void> => {
    if (parts++ > 0) pacer.finished();
    return pacer.acquire(s);
  };
  // Not AbortSignal.any of a shutdown signal and AbortSignal.timeout: those make weak references and a
  // finalization registry per send.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), tools.timeout);
  shutdown.track(abort);
  try {
    const signal = abort.signal;
    await notifier.send(message, paced(rows[0]!) ? { signal, pace, rateLimit: (s) => pacer.told(s) } : { signal });
  } catch (e) {
    // A retry can help: the receiver is down, overloaded or limiting (429, 5xx, timeout), so fewer at once.
    // Cut short by shutdown, it says nothing about the receiver.
    outcome = !shutdown.stopped && e instanceof NotifyError && e.retryable ? 'pushback' : 'rejected';
    throw e;
  } finally {
    clearTimeout(timer);
    shutdown.release(abort);
    if (parts > 0) pacer.finished();
    arc.finished(ticket, performance.now() - startedAt, outcome);
  }
}

function messageOf(row: OutboxRow): Message {
  return {
    title: row.title,
    body: row.body,
    type: row.type,
    ...(row.severity === undefined ? {} : { severity: row.severity }),
    ...(row.recipient ? { recipient: row.recipient } : {}),
    ...(row.answers ? { answers: row.answers } : {}),
  };
}
