// What happens to rows a send could not deliver: retried later (backoff or the provider's Retry-After), or
// moved to dead (rejected, a bug in a notifier, past delivery.attempts or delivery.max_age) with their copy to
// the notifier's fallback. One place decides whether a retry can help, so every path buries the same way.
import { formatDuration } from '../config/duration.ts';
import { describeError } from '../describe-error.ts';
import { NotifyError } from '../errors.ts';
import type { OutboxRow } from '../outbox/outbox.ts';
import type { DeliveryState } from './delivery-state.ts';
import type { Rerouted } from './fallback.ts';
import type { Lane } from './lane.ts';
import { retryDelay } from './retry-delay.ts';

export function failed(state: DeliveryState, lane: Lane, rows: OutboxRow[], e: unknown): void {
  const now = state.clock.now();
  const head = rows[0]!;
  const tries = head.attempts + 1;
  const err = describeError(e);
  const code = (e as { code?: string }).code;
  const providerAnswer = e instanceof NotifyError ? e.providerAnswer : undefined;
  if (!(e instanceof NotifyError)) {
    // Not a provider's answer but a bug in relay or a notifier module: trying again cannot help.
    bury(state, lane, rows, `failed with a programming error (not retried): ${err}`, now);
    state.log.error({ notifier: lane.notifier.name, alerts: rows.length, alert: head.alertId, rule: head.rule, title: head.title, err, stack: (e as Error | undefined)?.stack },
      'notifier failed with a programming error (a bug, not a delivery failure): alert moved to dead, not retried');
    return;
  }
  const retryable = e.retryable;
  if (!retryable || (state.config.attempts !== undefined && tries >= state.config.attempts)) {
    const reason = retryable ? `gave up after ${tries} tries (delivery.attempts): ${err}` : `rejected by the provider: ${err}`;
    bury(state, lane, rows, reason, now);
    state.log.error({
      notifier: lane.notifier.name, url: lane.notifier.maskedUrl, alerts: rows.length, alert: head.alertId, rule: head.rule,
      title: head.title, tries, code, err, providerAnswer,
    }, retryable ? 'alert not delivered after delivery.attempts tries, moved to dead' : 'alert rejected by the provider (a retry cannot help), moved to dead');
    return;
  }
  const delay = retryDelay(tries, e, state.config);
  state.outbox.retryLater(rows, now + delay, err);
  state.stats.retried++;
  state.byNotifier.of(lane).retried++;
  lane.health.failed(now, { err, ...(code ? { code } : {}), ...(providerAnswer ? { providerAnswer } : {}), retryInMs: delay, queued: lane.pending });
}

/** Rows that waited longer than max_age go to dead, with one error line per batch. */
export function expire(state: DeliveryState, lane: Lane, now: number): void {
  const old = state.outbox.enqueuedBefore(lane.notifier.name, now - state.config.max_age).filter((r) => !lane.sending.has(r.seq));
  const lastError = old[old.length - 1]!.lastError ?? 'never tried';
  bury(state, lane, old, `not delivered within delivery.max_age (${formatDuration(state.config.max_age)}); last error: ${lastError}`, now);
  state.log.error({
    notifier: lane.notifier.name, url: lane.notifier.maskedUrl, alerts: old.length, title: old[0]!.title, lastError,
  }, 'alerts not delivered within delivery.max_age, moved to dead');
}

/** Dead: the rows move to dead, and those that may go to the notifier's fallback are copied there. */
function bury(state: DeliveryState, lane: Lane, rows: OutboxRow[], reason: string, now: number): void {
  state.forget(lane, rows.length);
  const dead = rows.reduce((n, r) => n + r.alerts, 0);
  state.stats.dead += dead;
  state.byNotifier.of(lane).dead += dead;
  rerouted(state, lane, state.fallbacks.bury(lane.notifier.name, rows, reason, now));
}

/** Counts what a reroute moved, and lets the fallback's lane see its new rows. */
export function rerouted(state: DeliveryState, lane: Lane, r: Rerouted): void {
  lane.counters.rerouted += r.alerts;
  state.stats.rerouted += r.alerts;
  state.landed(r.landed);
}
