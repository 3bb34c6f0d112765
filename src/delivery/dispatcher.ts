// Hands alerts to notifiers through the durable outbox: one lane per notifier, sent in order, one in flight
// at a time (what providers' rate limits expect). Failures a retry can help wait for the provider's own
// Retry-After or for backoff, without an attempt limit, until delivery.max_age; what piles up meanwhile is
// sent as one digest. Every alert is in the outbox before `enqueue` returns, so a restart resumes it.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import { formatDuration } from '../config/duration.ts';
import type { Logger } from '../log.ts';
import type { Message, Notifier } from '../../notifiers/types.ts';
import { NotifyError } from '../errors.ts';
import { describeError } from '../describe-error.ts';
import type { Outbox, OutboxRow } from '../outbox/outbox.ts';
import { digestMessage } from './digest.ts';
import { LaneHealth } from './lane-health.ts';
import { retryDelay } from './retry-delay.ts';

/** Most alerts folded into one digest; a larger backlog goes out as several, still in order. */
const FOLD_MAX = 1000;

export interface DeliveryStats {
  /** Alerts (per notifier) in the outbox now. */
  queued: number;
  /** Alerts delivered, folded ones included. */
  sent: number;
  /** Failed tries that will be tried again. */
  retried: number;
  /** Alerts moved to dead: rejected by the provider, or older than max_age. */
  dead: number;
  /** Alerts delivered inside a digest. */
  folded: number;
}

/** One notifier's share of DeliveryStats (without `queued`: the outbox knows that), and since when it fails. */
export interface NotifierDeliveryStats {
  sent: number;
  retried: number;
  dead: number;
  folded: number;
  /** Epoch ms (the dispatcher's clock) of the first failure in the current run of failures; absent while it delivers. */
  failingSince?: number;
}

interface Lane {
  notifier: Notifier;
  health: LaneHealth;
  /** Rows of this notifier in the outbox. */
  pending: number;
  running: boolean;
  loop: Promise<void>;
  inFlight: boolean;
  /** Set while the lane waits for its head to become due; `wake` ends the wait early (shutdown). */
  wakeAt: number | undefined;
  wake: (() => void) | undefined;
}

export class Dispatcher {
  readonly stats: DeliveryStats = { queued: 0, sent: 0, retried: 0, dead: 0, folded: 0 };
  private readonly lanes = new Map<string, Lane>();
  private readonly abort = new AbortController();
  private stopped = false;
  /** Enqueued this turn, not yet in the outbox. */
  private readonly incoming: { alert: Alert; notifiers: string[] }[] = [];
  /** Set by `drain`: told whenever a lane finishes a send or starts to wait. */
  private onProgress: (() => void) | undefined;
  /** Each notifier's share of `stats` (what /metrics shows per notifier). */
  private readonly statsByNotifier = new Map<string, Omit<NotifierDeliveryStats, 'failingSince'>>();

  /** Rows an earlier run left in the outbox are picked up at once: delivery resumes where it stopped. */
  constructor(
    notifiers: Iterable<Notifier>,
    private readonly config: DeliveryConfig,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    for (const n of notifiers) {
      const lane: Lane = { notifier: n, health: new LaneHealth(n, log), pending: 0, running: false, loop: Promise.resolve(), inFlight: false, wakeAt: undefined, wake: undefined };
      this.lanes.set(n.name, lane);
    }
    for (const [name, pending] of outbox.pending()) {
      const lane = this.lanes.get(name);
      if (!lane) {
        this.log.warn({ notifier: name, alerts: pending }, 'the outbox holds alerts for a notifier that is not configured or is disabled; kept until it is back');
        continue;
      }
      lane.pending = pending;
      this.stats.queued += pending;
    }
    if (this.stats.queued > 0) this.log.info({ queued: this.stats.queued }, 'resuming delivery of alerts kept in the outbox');
    for (const lane of this.lanes.values()) if (lane.pending > 0) this.kick(lane);
  }

  /**
   * Durable by the end of the current turn of the event loop: every alert enqueued in one turn (a TCP read's
   * worth of events) goes into the outbox in one transaction, before any send or I/O can run.
   */
  enqueue(alert: Alert): void {
    const notifiers = alert.notify.filter((n) => this.lanes.has(n)); // a disabled notifier (optional URL not set)
    if (notifiers.length === 0 || this.stopped) return;
    this.incoming.push({ alert, notifiers });
    if (this.incoming.length === 1) queueMicrotask(() => this.commit());
  }

  private commit(): void {
    const batch = this.incoming.splice(0);
    if (batch.length === 0) return;
    for (const names of this.outbox.add(batch, this.clock.now())) {
      for (const name of names) {
        const lane = this.lanes.get(name)!;
        lane.pending++;
        this.stats.queued++;
        this.kick(lane);
      }
    }
  }

  /**
   * Gives sends in flight up to `timeoutMs`; returns early once every lane is empty or waiting past that
   * time. Then stops: whatever is undelivered stays in the outbox. Returns how many alerts that is.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.commit();
    const deadline = this.clock.now() + timeoutMs;
    if (!this.settled(deadline)) {
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          timer.cancel();
          this.onProgress = undefined;
          resolve();
        };
        const timer = this.clock.setTimer(timeoutMs, finish);
        this.onProgress = () => {
          if (this.settled(deadline)) finish();
        };
      });
    }
    this.stopped = true;
    this.abort.abort();
    for (const lane of this.lanes.values()) lane.wake?.();
    await Promise.allSettled([...this.lanes.values()].map((l) => l.loop));
    const left = this.stats.queued;
    if (left > 0) this.log.warn({ queued: left }, `${left} alerts kept in the outbox for next start`);
    return left;
  }

  /** Per configured notifier: its delivery counters and, while it fails, since when. */
  notifierStats(): Map<string, NotifierDeliveryStats> {
    return new Map([...this.lanes].map(([name, lane]) => [name, { ...this.statsOf(lane), failingSince: lane.health.failingSince }]));
  }

  private statsOf(lane: Lane): Omit<NotifierDeliveryStats, 'failingSince'> {
    let s = this.statsByNotifier.get(lane.notifier.name);
    if (!s) this.statsByNotifier.set(lane.notifier.name, (s = { sent: 0, retried: 0, dead: 0, folded: 0 }));
    return s;
  }

  private kick(lane: Lane): void {
    if (!lane.running && !this.stopped) lane.loop = this.run(lane);
  }

  /** No send in flight, and no lane that could send before `deadline`. */
  private settled(deadline: number): boolean {
    return [...this.lanes.values()].every((l) => !l.inFlight && (l.pending === 0 || !l.running || (l.wakeAt ?? 0) > deadline));
  }

  private async run(lane: Lane): Promise<void> {
    lane.running = true; // set synchronously, so an enqueue during the loop never starts a second one
    const name = lane.notifier.name;
    try {
      while (!this.stopped) {
        const now = this.clock.now();
        const [head] = this.outbox.head(name);
        if (!head) break;
        // Rows are in enqueue order, so an expired backlog starts at the head.
        if (head.enqueuedAt + this.config.max_age <= now) {
          this.expire(lane, now);
          continue;
        }
        const due = Math.min(head.nextAttemptAt, head.enqueuedAt + this.config.max_age);
        if (due > now) {
          await this.waitUntil(lane, due);
          continue;
        }
        // A backlog that built up while the notifier failed goes out as one digest, not one by one (to people;
        // a webhook read by a program gets every alert as its own message).
        const backlog = lane.notifier.foldsBacklog && head.attempts > 0 && lane.pending > this.config.fold_after;
        await this.attempt(lane, backlog ? this.outbox.head(name, FOLD_MAX) : [head]);
      }
    } catch (e) {
      this.log.error({ notifier: name, err: describeError(e) }, 'delivery stopped: the outbox could not be read or written');
    } finally {
      lane.running = false;
      this.onProgress?.();
    }
  }

  private async attempt(lane: Lane, rows: OutboxRow[]): Promise<void> {
    const folded = rows.length > 1;
    const message = folded ? digestMessage(lane.notifier.name, rows) : messageOf(rows[0]!);
    lane.inFlight = true;
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.timeout)]);
      await lane.notifier.send(message, { signal });
    } catch (e) {
      // Cut short by shutdown: the rows stay as they were, for the next start.
      if (!this.stopped) this.failed(lane, rows, e);
      return;
    } finally {
      lane.inFlight = false;
    }
    this.outbox.remove(rows.map((r) => r.seq));
    this.forget(lane, rows.length);
    this.stats.sent += rows.length;
    this.statsOf(lane).sent += rows.length;
    if (folded) {
      this.stats.folded += rows.length;
      this.statsOf(lane).folded += rows.length;
      this.log.info({ notifier: lane.notifier.name, alerts: rows.length }, 'backlog sent as one digest');
    }
    this.log.debug({ notifier: lane.notifier.name, alert: rows[0]!.alertId, alerts: rows.length }, 'alert sent');
    lane.health.recovered(this.clock.now(), rows.length);
  }

  private failed(lane: Lane, rows: OutboxRow[], e: unknown): void {
    const now = this.clock.now();
    const head = rows[0]!;
    const tries = head.attempts + 1;
    const err = describeError(e);
    const code = (e as { code?: string }).code;
    const providerAnswer = e instanceof NotifyError ? e.providerAnswer : undefined;
    const retryable = e instanceof NotifyError ? e.retryable : true;
    if (!retryable || (this.config.attempts !== undefined && tries >= this.config.attempts)) {
      const reason = retryable ? `gave up after ${tries} tries (delivery.attempts): ${err}` : `rejected by the provider: ${err}`;
      this.bury(lane, rows, reason, now);
      this.log.error({
        notifier: lane.notifier.name, url: lane.notifier.maskedUrl, alerts: rows.length, alert: head.alertId, rule: head.rule,
        title: head.title, tries, code, err, providerAnswer,
      }, retryable ? 'alert not delivered after delivery.attempts tries, moved to dead' : 'alert rejected by the provider (a retry cannot help), moved to dead');
      return;
    }
    const delay = retryDelay(tries, e, this.config);
    this.outbox.retryLater(rows.map((r) => r.seq), now + delay, err);
    this.stats.retried++;
    this.statsOf(lane).retried++;
    lane.health.failed(now, { err, ...(code ? { code } : {}), ...(providerAnswer ? { providerAnswer } : {}), retryInMs: delay, queued: lane.pending });
  }

  /** Rows that waited longer than max_age go to dead, with one error line per batch. */
  private expire(lane: Lane, now: number): void {
    const old = this.outbox.enqueuedBefore(lane.notifier.name, now - this.config.max_age);
    const lastError = old[old.length - 1]!.lastError ?? 'never tried';
    this.bury(lane, old, `not delivered within delivery.max_age (${formatDuration(this.config.max_age)}); last error: ${lastError}`, now);
    this.log.error({
      notifier: lane.notifier.name, url: lane.notifier.maskedUrl, alerts: old.length, title: old[0]!.title, lastError,
    }, 'alerts not delivered within delivery.max_age, moved to dead');
  }

  private bury(lane: Lane, rows: OutboxRow[], reason: string, now: number): void {
    this.outbox.bury(rows.map((r) => r.seq), reason, now);
    this.forget(lane, rows.length);
    this.stats.dead += rows.length;
    this.statsOf(lane).dead += rows.length;
  }

  private forget(lane: Lane, n: number): void {
    lane.pending -= n;
    this.stats.queued -= n;
  }

  private waitUntil(lane: Lane, at: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        timer.cancel();
        lane.wakeAt = undefined;
        lane.wake = undefined;
        resolve();
      };
      const timer = this.clock.setTimer(at - this.clock.now(), done);
      lane.wakeAt = at;
      lane.wake = done;
      this.onProgress?.();
    });
  }
}

function messageOf(row: OutboxRow): Message {
  return { title: row.title, body: row.body, type: row.type, ...(row.severity === undefined ? {} : { severity: row.severity }) };
}
