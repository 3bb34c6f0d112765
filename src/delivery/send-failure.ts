// What happens to rows a send could not deliver: retried later (backoff or the provider's Retry-After), or
// moved to dead (rejected, a bug in a notifier, past delivery.attempts or delivery.max_age) with their copy to
// the notifier's fallback. One place decides whether a retry can help, so every path buries the same way.
import type { Notifier } from '../../notifiers/types.ts';
import { formatDuration } from '../config/duration.ts';
import { describeError } from '../describe-error.ts';
import { NotifyError } from '../errors.ts';
import type { OutboxRow } from '../outbox/outbox.ts';
import type { LaneCounter } from './delivery-stats.ts';
import type { Rerouted } from './fallback.ts';
import type { LaneContext } from './lane-context.ts';
import type { FailureDetails } from './lane-health.ts';
import { retryDelay } from './retry-delay.ts';

/** The lane whose rows failed, as this module sees it (lane.ts). */
export interface FailingLane {
  readonly notifier: Notifier;
  readonly pending: number;
  /** The seqs in flight, which an expiry leaves alone. */
  sendingRows(): ReadonlySet<number>;
  /** `rows` of the lane left the outbox. */
  forget(rows: number): void;
  /** Adds to one of the lane's counters and to the totals. */
  count(counter: LaneCounter, n: number): void;
  /** A retry was scheduled (the lane's health says so, once per outage). */
  failing(now: number, details: FailureDetails): void;
}

export function failed(ctx: LaneContext, lane: FailingLane, rows: readonly OutboxRow[], e: unknown): void {
  const now = ctx.clock.now();
  const head = rows[0]!;
  const tries = head.attempts + 1;
  const err = describeError(e);
  const code = (e as { code?: string }).code;
  const providerAnswer = e instanceof NotifyError ? e.providerAnswer : undefined;
  if (!(e instanceof NotifyError)) {
    // Not a provider's answer but a bug in relay or a notifier module: trying again cannot help.
    bury(ctx, lane, rows, `failed with a programming error (not retried): ${err}`, now);
    ctx.log.error(
      {
        notifier: lane.notifier.name,
        alerts: rows.length,
        alert: head.alertId,
        rule: head.rule,
        title: head.title,
        err,
        stack: (e as Error | undefined)?.stack,
      },
      'notifier failed with a programming error (a bug, not a delivery failure): alert moved to dead, not retried',
    );
    return;
  }
  const retryable = e.retryable;
  if (!retryable || (ctx.config.attempts !== undefined && tries >= ctx.config.attempts)) {
    const reason = retryable ? `gave up after ${tries} tries (delivery.attempts): ${err}` : `rejected by the provider: ${err}`;
    bury(ctx, lane, rows, reason, now);
    ctx.log.error(
      {
        notifier: lane.notifier.name,
        url: lane.notifier.maskedUrl,
        alerts: rows.length,
        alert: head.alertId,
        rule: head.rule,
        title: head.title,
        tries,
        code,
        err,
        providerAnswer,
      },
      retryable
        ? 'alert not delivered after delivery.attempts tries, moved to dead'
        : 'alert rejected by the provider (a retry cannot help), moved to dead',
    );
    return;
  }
  const delay = retryDelay(tries, e, ctx.config);
  ctx.outbox.retryLater(rows, now + delay, err);
  lane.count('retried', 1);
  lane.failing(now, {
    err,
    ...(code ? { code } : {}),
    ...(providerAnswer ? { providerAnswer } : {}),
    retryInMs: delay,
    queued: lane.pending,
  });
}

/** Rows that waited longer than max_age go to dead, with one error line per batch. */
export function expire(ctx: LaneContext, lane: FailingLane, now: number): void {
  const sending = lane.sendingRows();
  const old = ctx.outbox.enqueuedBefore(lane.notifier.name, now - ctx.config.max_age).filter((r) => !sending.has(r.seq));
  const lastError = old[old.length - 1]!.lastError ?? 'never tried';
  bury(ctx, lane, old, `not delivered within delivery.max_age (${formatDuration(ctx.config.max_age)}); last error: ${lastError}`, now);
  ctx.log.error(
    {
      notifier: lane.notifier.name,
      url: lane.notifier.maskedUrl,
      alerts: old.length,
      title: old[0]!.title,
      lastError,
    },
    'alerts not delivered within delivery.max_age, moved to dead',
  );
}

/** Dead: the rows move to dead, and those that may go to the notifier's fallback are copied there. */
function bury(ctx: LaneContext, lane: FailingLane, rows: readonly OutboxRow[], reason: string, now: number): void {
  lane.forget(rows.length);
  lane.count(
    'dead',
    rows.reduce((n, r) => n + r.alerts, 0),
  );
  rerouted(ctx, lane, ctx.fallbacks().bury(lane.notifier.name, rows, reason, now));
}

/** Counts what a reroute moved, and lets the fallback's lane see its new rows. */
export function rerouted(ctx: LaneContext, lane: FailingLane, r: Rerouted): void {
  lane.count('rerouted', r.alerts);
  ctx.landed(r.landed);
}
