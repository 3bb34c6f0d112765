// A lane: one notifier's queue, owning its count of rows, its sends in flight (in-flight.ts), concurrency
// (adaptive-concurrency.ts), pace (pacer.ts) and health (lane-health.ts). Its one loop looks at the head of its
// rows and decides: expire, move to the fallback, wait (a retry's time, the provider's bucket, a free slot),
// fold a backlog into a digest, or start the sends that may go now. A notifier in an outage waits as one lane.
import type { Notifier } from '../../notifiers/types.ts';
import { describeError } from '../describe-error.ts';
import type { OutboxHead, OutboxRow } from '../outbox/outbox.ts';
import { AdaptiveConcurrency } from './adaptive-concurrency.ts';
import type { LaneCounter, NotifierCounts, NotifierDeliveryStats } from './delivery-stats.ts';
import { InFlight } from './in-flight.ts';
import type { LaneContext } from './lane-context.ts';
import { LaneHealth, type FailureDetails } from './lane-health.ts';
import { paced, sendRows } from './lane-send.ts';
import { Pacer } from './pacer.ts';
import { readyRows, undirected } from './pick-rows.ts';
import { expire, failed, rerouted, type FailingLane } from './send-failure.ts';
import { LaneWait } from './lane-wait.ts';

/** Most alerts folded into one digest; a larger backlog goes out as several, still in order. */
const FOLD_MAX = 1000;

export class Lane implements FailingLane {
  private current: Notifier;
  private health: LaneHealth;
  private arc: AdaptiveConcurrency;
  private pacer: Pacer;
  /** Rows of this notifier in the outbox. */
  private rows = 0;
  /** Rows admitted in the current turn, not yet counted in `pending`. */
  private admittedNow = 0;
  private readonly flight = new InFlight();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** The lane had nothing to send before this send: the first alert after a quiet spell goes alone. */
  private idle = true;
  /** The loop's wait for its head to become due, or for a wake-up. */
  private readonly wait: LaneWait;
  /** Its notifier left the config (a reload): the loop ends after the send in flight. */
  private retiredNow = false;

  /** `counts`: the notifier's counters, which outlive the lane. */
  constructor(
    notifier: Notifier,
    private readonly ctx: LaneContext,
    private readonly counts: NotifierCounts,
  ) {
    this.current = notifier;
    this.health = new LaneHealth(notifier, ctx.log);
    this.arc = new AdaptiveConcurrency(notifier.concurrency);
    this.pacer = new Pacer(notifier.pace, ctx.clock);
    this.wait = new LaneWait(ctx.clock);
  }

  get notifier(): Notifier {
    return this.current;
  }

  get pending(): number {
    return this.rows;
  }

  /** The loop still runs (a retired lane: its last send is still in flight). */
  get busy(): boolean {
    return this.running;
  }

  /** Its loop, settled once it ended. */
  get ended(): Promise<void> {
    return this.loop;
  }

  /** A changed notifier: its health, concurrency and pacing start afresh with it. */
  renotify(n: Notifier): void {
    this.current = n;
    this.health = new LaneHealth(n, this.ctx.log);
    this.arc = new AdaptiveConcurrency(n.concurrency);
    this.pacer = new Pacer(n.pace, this.ctx.clock);
  }

  /** Its notifier left the config: its rows no longer count, and the loop ends after the send in flight. */
  retire(): void {
    this.ctx.totals.queued -= this.rows;
    this.rows = 0;
    this.retiredNow = true;
    this.stop();
  }

  /** Back in the config (`n`), with `pending` rows in the outbox; a retired lane carries on. */
  resume(n: Notifier, pending: number): void {
    if (this.retiredNow) this.renotify(n);
    this.retiredNow = false;
    this.ctx.totals.queued += pending;
    this.rows = pending;
    this.kick();
  }

  /** Rows waiting, with those admitted this turn. */
  waiting(): number {
    return this.rows + this.admittedNow;
  }

  admit(): void {
    this.admittedNow++;
  }

  /** The turn's admitted rows went to the outbox: `landed` counts those that reached it. */
  committed(): void {
    this.admittedNow = 0;
  }

  /** `n` rows reached the outbox. */
  landed(n: number): void {
    this.rows += n;
    this.ctx.totals.queued += n;
  }

  /** `n` rows left the outbox (sent, dead, moved or folded). */
  forget(n: number): void {
    // Another process may have dropped these rows already (`relay outbox drop`), and a resync counted that.
    const gone = Math.min(n, this.rows);
    this.rows -= gone;
    this.ctx.totals.queued -= gone;
    if (n > 0) this.ctx.shrank(this.current.name, this.rows);
  }

  /** Another process changed the outbox: it holds `pending` rows of this lane now; look again. */
  resync(pending: number): void {
    this.ctx.totals.queued += pending - this.rows;
    this.rows = pending;
    if (pending === 0) return;
    if (this.wait.waiting) this.wait.wake();
    else this.kick();
  }

  count(counter: LaneCounter, n: number): void {
    this.counts[counter] += n;
    this.ctx.totals[counter] += n;
  }

  failing(now: number, details: FailureDetails): void {
    this.health.failed(now, details);
  }

  sendingRows(): ReadonlySet<number> {
    return this.flight.rows();
  }

  /** Its counters, and, while it fails, since when; its concurrency now. */
  stats(): NotifierDeliveryStats {
    return { ...this.counts, failingSince: this.health.failingSince, concurrency: this.arc.limit };
  }

  /** No send in flight, and nothing it could send before `deadline`. */
  settled(deadline: number): boolean {
    return this.flight.size === 0 && (this.rows === 0 || !this.running || (this.wait.at ?? 0) > deadline);
  }

  /** Shutdown (or a retirement): a lane that waits stops waiting, and its loop ends. */
  stop(): void {
    this.wait.wake();
  }

  /**
   * Rows may have landed: starts the loop, or wakes it when it waits for rows or a free slot (not when it
   * waits for a time: its head is not due, and rows behind it wait with it). Nothing once stopping.
   * `only`: every row the lane has, whole, as just written (an idle lane's new alerts): its first look
   * needs no read of the outbox.
   */
  kick(only?: readonly OutboxRow[]): void {
    if (this.ctx.shutdown.stopped) return;
    if (!this.running) this.loop = this.run(only);
    else if (this.wait.at === undefined) this.wait.wake();
  }

  private async run(only?: readonly OutboxRow[]): Promise<void> {
    this.running = true; // set synchronously, so a kick during the loop never starts a second one
    const { ctx, flight } = this;
    const name = this.current.name;
    let fresh = only;
    try {
      while (!ctx.shutdown.stopped && !this.retiredNow) {
        flight.throwIfBroken();
        // Every row of the lane is being sent, or no slot is free: nothing to read until a send ends or rows
        // land. Right after starting a send this is where the loop yields, so the send's request goes out
        // before any further read.
        if (flight.size > 0 && (this.rows <= flight.size || flight.size >= this.arc.limit)) {
          await this.waitUntil(undefined);
          continue;
        }
        // The oldest rows not being sent, with room to look past keys that must wait (not more: this read
        // runs once per finished send, and its rows are most of the CPU a fast lane costs). Light rows: the
        // title and body are read only for the rows picked to send.
        const free = Math.max(0, this.arc.limit - flight.size);
        const whole = fresh;
        fresh = undefined;
        const rows = whole ?? ctx.outbox.heads(name, flight.size + 2 * free + 8).filter((r) => !flight.has(r.seq));
        // Taken after the read and handed to the pacer: two readings a millisecond apart would make a row
        // that is due now look due in 1 ms, and the lane would wait for a timer.
        const now = ctx.clock.now();
        const head = rows[0];
        if (!head) {
          if (flight.size === 0) break;
          await this.waitUntil(undefined);
          continue;
        }
        // Rows are in enqueue order, so an expired backlog starts at the head.
        if (head.enqueuedAt + ctx.config.max_age <= now) {
          expire(ctx, this, now);
          continue;
        }
        const fallbacks = ctx.fallbacks();
        const rerouteAt = fallbacks.dueAt(name, head);
        if (rerouteAt <= now) {
          const moved = fallbacks.moveWaiting(name, now, flight.rows());
          this.forget(moved.rows);
          rerouted(ctx, this, moved);
          continue;
        }
        // The head waits (a retry's time, the provider's bucket): so does the lane, as one lane in an outage.
        const ready = Math.max(head.nextAttemptAt, paced(head) ? this.pacer.readyAt(now) : 0);
        const due = Math.min(ready, head.enqueuedAt + ctx.config.max_age, rerouteAt);
        if (due > now) {
          await this.waitUntil(due);
          continue;
        }
        // A backlog that built up behind a failing or slow notifier goes out as one digest, not one by one
        // (to people; a webhook read by a program gets every alert as its own message). The first alert after
        // a quiet spell goes alone, at once.
        const backlog = this.current.foldsBacklog && this.rows > ctx.config.fold_after && (head.attempts > 0 || !this.idle);
        const picked = backlog
          ? [undirected(ctx.outbox.head(name, FOLD_MAX))]
          : (whole ? this.ready(whole, now) : ctx.outbox.rows(this.ready(rows, now).map((r) => r.seq))).map((r) => [r]);
        if (picked.length === 0) {
          await this.waitUntil(undefined);
          continue;
        }
        for (const batch of picked) this.startSend(batch);
      }
    } catch (e) {
      ctx.log.error({ notifier: name, err: describeError(e) }, 'delivery stopped: the outbox could not be read or written');
    } finally {
      await flight.settled();
      this.idle = true;
      this.running = false;
      ctx.shutdown.progress();
    }
  }

  /** Rows that may start now, within the lane's limit. */
  private ready<T extends OutboxHead>(rows: readonly T[], now: number): T[] {
    return readyRows(rows, this.arc.limit - this.flight.size, this.flight.heldKeys(), now);
  }

  /** Until `at`, or (without it, or sooner) until a send finishes or shutdown wakes the lane. */
  private waitUntil(at: number | undefined): Promise<void> {
    const waited = this.wait.until(at);
    this.ctx.shutdown.progress();
    return waited;
  }

  /** Sends `rows` (one alert, or several as one digest) in the background; the loop goes on. */
  private startSend(rows: OutboxRow[]): void {
    this.idle = false;
    this.flight.start(
      rows,
      () => this.attempt(rows),
      () => {
        this.wait.wake();
        this.ctx.shutdown.progress();
      },
    );
  }

  private async attempt(rows: OutboxRow[]): Promise<void> {
    const { ctx } = this;
    try {
      const tools = { arc: this.arc, pacer: this.pacer, shutdown: ctx.shutdown, timeout: ctx.config.timeout };
      await sendRows(this.current, rows, this.flight.size, tools);
    } catch (e) {
      // Cut short by shutdown: the rows stay as they were, for the next start.
      if (!ctx.shutdown.stopped) failed(ctx, this, rows, e);
      return;
    }
    await ctx.delivered.add(rows, () => this.sent(rows));
  }

  /** The rows' removal is written. */
  private sent(rows: readonly OutboxRow[]): void {
    this.forget(rows.length);
    const alerts = rows.reduce((n, r) => n + r.alerts, 0);
    this.count('sent', alerts);
    if (rows.length > 1) {
      this.count('folded', alerts);
      this.ctx.log.info({ notifier: this.current.name, alerts }, 'backlog sent as one digest');
    }
    this.ctx.log.debug({ notifier: this.current.name, alert: rows[0]!.alertId, alerts: rows.length }, 'alert sent');
    this.health.recovered(this.ctx.clock.now(), rows.length);
  }
}
