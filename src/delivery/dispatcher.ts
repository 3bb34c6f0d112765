// Hands alerts to notifiers through the durable outbox: one lane per notifier, sent in order. A webhook read
// by a program has several sends in flight (its `concurrency`, adapted to how the receiver copes:
// adaptive-concurrency.ts), never two of one alert key at once; a people-facing service gets one at a time,
// paced to its provider's limits (pacer.ts), and what piles up behind it, slow or failing, is sent as one
// digest. Failures a retry can help wait for the provider's own Retry-After or for backoff, without an
// attempt limit, until delivery.max_age. Every alert is in the outbox (or, while the disk refuses writes,
// in its memory buffer) by the end of the turn `enqueue` ran in, so a restart resumes it. A lane's queue is capped
// (queue-cap.ts), dead or long-waiting alerts go to the notifier's fallback (fallback.ts), and rows another
// process re-queued (`relay outbox retry`) are picked up. This class admits alerts, keeps the lanes' counts
// and stops them; each lane's loop is lane-loop.ts, a send lane-send.ts, a failure send-failure.ts.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../../notifiers/types.ts';
import type { NewRows, Outbox, OutboxRow } from '../outbox/outbox.ts';
import { watchOutbox } from '../outbox/outbox-watch.ts';
import type { DeliveryState, DispatchConfig } from './delivery-state.ts';
import { emptyStats, NotifierStatsBook, type DeliveryStats, type NotifierCapStats, type NotifierDeliveryStats } from './delivery-stats.ts';
import { Fallbacks, type FallbackRoute } from './fallback.ts';
import { newLane, type Lane } from './lane.ts';
import { kick } from './lane-loop.ts';
import { QueueCap } from './queue-cap.ts';
import { reconfigureLanes } from './reconfigure.ts';

// The stats types are part of what callers take from the dispatcher.
export type { DeliveryStats, NotifierCapStats, NotifierDeliveryStats } from './delivery-stats.ts';

export class Dispatcher {
  readonly stats: DeliveryStats = emptyStats();
  private readonly lanes = new Map<string, Lane>();
  /** Lanes a reload removed, whose send in flight `drain` still waits for. */
  private retired: Lane[] = [];
  private readonly cap: QueueCap;
  private readonly unwatch: () => void;
  /** Enqueued this turn, not yet in the outbox. */
  private readonly incoming: NewRows[] = [];
  private readonly state: DeliveryState;

  /** Rows an earlier run left in the outbox are picked up at once: delivery resumes where it stopped. */
  constructor(
    notifiers: Iterable<Notifier>,
    config: DispatchConfig,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Fallbacks by notifier name (notifiers: {NAME: {url, fallback, fallback_after}}). */
    routes: ReadonlyMap<string, FallbackRoute> = new Map(),
  ) {
    this.cap = new QueueCap(config, outbox, log);
    for (const n of notifiers) this.lanes.set(n.name, newLane(n, log, clock));
    this.state = {
      config, outbox, clock, log, stats: this.stats, byNotifier: new NotifierStatsBook(),
      fallbacks: new Fallbacks(routes, new Set(this.lanes.keys()), outbox, log),
      stopped: false, aborts: new Set(), onProgress: undefined, done: [],
      forget: (lane, n) => this.forget(lane, n),
      landed: (names) => this.landed(names),
    };
    outbox.onStored = (names) => this.landed(names);
    this.unwatch = watchOutbox(outbox, (pending) => this.resync(pending), log);
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
    for (const lane of this.lanes.values()) if (lane.pending > 0) kick(this.state, lane);
  }

  /**
   * Durable by the end of the current turn of the event loop: every alert enqueued in one turn (a TCP read's
   * worth of events) goes into the outbox in one transaction, before any send or I/O can run.
   */
  enqueue(alert: Alert): void {
    if (this.state.stopped) return;
    const now = this.clock.now();
    const notifiers = alert.notify.filter((n) => {
      const lane = this.lanes.get(n);
      if (!lane) return false; // a disabled notifier (optional URL not set)
      if (this.cap.admit(n, lane.pending + lane.admitted, now)) {
        lane.admitted++;
        return true;
      }
      lane.counters.dropped++;
      this.stats.dropped++;
      return false;
    });
    if (notifiers.length === 0) return;
    this.incoming.push({ alert, notifiers });
    if (this.incoming.length === 1) queueMicrotask(() => this.commit());
  }

  /** A reload: the lanes follow the new notifiers and routes (reconfigure.ts); queued rows are untouched. */
  reconfigure(notifiers: Iterable<Notifier>, routes: ReadonlyMap<string, FallbackRoute>): void {
    this.retired = reconfigureLanes(this.state, this.lanes, this.retired, notifiers, routes);
  }

  /** Per-notifier counters of dropped, folded-by-cap and rerouted alerts. */
  capStats(notifier: string): NotifierCapStats | undefined {
    return this.lanes.get(notifier)?.counters;
  }

  private commit(): void {
    const batch = this.incoming.splice(0);
    for (const lane of this.lanes.values()) lane.admitted = 0;
    if (batch.length > 0) this.landed(this.outbox.add(batch, this.clock.now()).flat(), this.outbox.takeWritten());
    this.cap.recordDrops();
    this.syncOutboxStats();
  }

  /**
   * Rows that reached the outbox: now, or later when the disk took them again. `written`: the new rows
   * whole, when the outbox handed them over (a small commit): a lane that held nothing else sends them as
   * they are, without reading back what was just written.
   */
  private landed(names: readonly string[], written: readonly OutboxRow[] = []): void {
    const grown = new Map<Lane, number>();
    for (const name of names) {
      const lane = this.lanes.get(name);
      if (!lane) continue;
      lane.pending++;
      this.stats.queued++;
      grown.set(lane, (grown.get(lane) ?? 0) + 1);
    }
    for (const [lane, landed] of grown) {
      // delivery.max_queue: the backlog folds per rule; rows being sent stay as they are.
      const folded = this.cap.fold(lane.notifier.name, lane.pending, lane.sending.size > 0 ? Math.max(...lane.sending) : 0);
      this.forget(lane, folded.rows);
      lane.counters.foldedByCap += folded.alerts;
      this.stats.foldedByCap += folded.alerts;
      const mine = lane.running || folded.rows > 0 || lane.pending !== landed ? [] : written.filter((r) => r.notifier === lane.notifier.name);
      kick(this.state, lane, mine.length === landed ? mine : undefined);
    }
    this.syncOutboxStats();
  }

  private syncOutboxStats(): void {
    this.stats.buffered = this.outbox.buffered();
    this.stats.lost = this.outbox.lostAlerts();
  }

  /** Another process changed the outbox (re-queued or dropped rows): take its counts and look again. */
  private resync(counts: Map<string, number>): void {
    if (this.state.stopped) return;
    this.stats.queued = 0;
    for (const [name, lane] of this.lanes) {
      lane.pending = counts.get(name) ?? 0;
      this.stats.queued += lane.pending;
      if (lane.pending === 0) continue;
      if (lane.wake) lane.wake();
      else kick(this.state, lane);
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
          this.state.onProgress = undefined;
          resolve();
        };
        const timer = this.clock.setTimer(timeoutMs, finish);
        this.state.onProgress = () => {
          if (this.settled(deadline)) finish();
        };
      });
    }
    this.state.stopped = true;
    this.unwatch();
    for (const send of this.state.aborts) send.abort();
    for (const lane of this.lanes.values()) lane.wake?.();
    await Promise.allSettled([...this.lanes.values(), ...this.retired].map((l) => l.loop));
    const left = this.stats.queued;
    if (left > 0) this.log.warn({ queued: left }, `${left} alerts kept in the outbox for next start`);
    return left;
  }

  /** Per configured notifier: its delivery counters and, while it fails, since when. */
  notifierStats(): Map<string, NotifierDeliveryStats> {
    return new Map([...this.lanes].map(([name, lane]) => [name, this.state.byNotifier.snapshot(lane)]));
  }

  /** No send in flight, and no lane that could send before `deadline`. */
  private settled(deadline: number): boolean {
    return [...this.lanes.values()].every((l) => l.sending.size === 0 && (l.pending === 0 || !l.running || (l.wakeAt ?? 0) > deadline));
  }

  private forget(lane: Lane, n: number): void {
    // Another process may have dropped these rows already (`relay outbox drop`), and a resync counted that.
    const gone = Math.min(n, lane.pending);
    lane.pending -= gone;
    this.stats.queued -= gone;
    if (n > 0) {
      const notice = this.cap.shrank(lane.notifier.name, lane.pending);
      if (notice) this.enqueue(notice);
    }
  }
}
