// Hands alerts to notifiers through the durable outbox: one lane per notifier (lane.ts), sent in order. A
// webhook read by a program has several sends in flight (its `concurrency`, adapted to how the receiver copes:
// adaptive-concurrency.ts), never two of one alert key at once; a people-facing service gets one at a time,
// paced to its provider's limits (pacer.ts), and what piles up behind it, slow or failing, is sent as one
// digest. Failures a retry can help wait for the provider's own Retry-After or for backoff, without an
// attempt limit, until delivery.max_age. Every alert is in the outbox (or, while the disk refuses writes,
// in its memory buffer) by the end of the turn `enqueue` ran in, so a restart resumes it. A lane's queue is capped
// (queue-cap.ts), dead or long-waiting alerts go to the notifier's fallback (fallback.ts), and rows another
// process re-queued (`relay outbox retry`) are picked up. This class admits alerts, holds the lanes, tells
// them what landed, and stops them.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../../notifiers/types.ts';
import type { NewRows, Outbox, OutboxRow } from '../outbox/outbox.ts';
import { watchOutbox } from '../outbox/outbox-watch.ts';
import { DeliveredBatch } from './delivered-batch.ts';
import { emptyStats, NotifierStatsBook, type DeliveryStats, type NotifierCapStats, type NotifierDeliveryStats } from './delivery-stats.ts';
import { Fallbacks, type FallbackRoute } from './fallback.ts';
import { Lane } from './lane.ts';
import type { DispatchConfig, LaneContext } from './lane-context.ts';
import { QueueCap } from './queue-cap.ts';
import { reconfigureLanes } from './reconfigure.ts';
import { Shutdown } from './shutdown.ts';

// The stats types are part of what callers take from the dispatcher.
export type { DeliveryStats, NotifierCapStats, NotifierDeliveryStats } from './delivery-stats.ts';
export type { DispatchConfig } from './lane-context.ts';

export class Dispatcher {
  readonly stats: DeliveryStats = emptyStats();
  private readonly lanes = new Map<string, Lane>();
  /** Lanes a reload removed, whose send in flight `drain` still waits for. */
  private retired: Lane[] = [];
  private readonly cap: QueueCap;
  private readonly book = new NotifierStatsBook();
  private readonly shutdown = new Shutdown();
  private fallbacks: Fallbacks;
  private readonly unwatch: () => void;
  /** Enqueued this turn, not yet in the outbox. */
  private readonly incoming: NewRows[] = [];
  private readonly ctx: LaneContext;

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
    this.ctx = {
      config,
      outbox,
      clock,
      log,
      totals: this.stats,
      shutdown: this.shutdown,
      delivered: new DeliveredBatch(outbox),
      fallbacks: () => this.fallbacks,
      landed: (names) => this.landed(names),
      shrank: (notifier, pending) => {
        const notice = this.cap.shrank(notifier, pending);
        if (notice) this.enqueue(notice);
      },
    };
    for (const n of notifiers) this.lanes.set(n.name, this.open(n));
    this.fallbacks = new Fallbacks(routes, new Set(this.lanes.keys()), outbox, log);
    outbox.onStored = (names) => this.landed(names);
    this.unwatch = watchOutbox(outbox, (pending) => this.resync(pending), log);
    for (const [name, pending] of outbox.pending()) {
      const lane = this.lanes.get(name);
      if (!lane) {
        this.log.warn(
          { notifier: name, alerts: pending },
          'the outbox holds alerts for a notifier that is not configured or is disabled; kept until it is back',
        );
        continue;
      }
      lane.landed(pending);
    }
    if (this.stats.queued > 0) this.log.info({ queued: this.stats.queued }, 'resuming delivery of alerts kept in the outbox');
    for (const lane of this.lanes.values()) if (lane.pending > 0) lane.kick();
  }

  /**
   * Durable by the end of the current turn of the event loop: every alert enqueued in one turn (a TCP read's
   * worth of events) goes into the outbox in one transaction, before any send or I/O can run.
   */
  enqueue(alert: Alert): void {
    if (this.shutdown.stopped) return;
    const now = this.clock.now();
    const notifiers = alert.notify.filter((n) => {
      const lane = this.lanes.get(n);
      if (!lane) return false; // a disabled notifier (optional URL not set)
      if (this.cap.admit(n, lane.waiting(), now)) {
        lane.admit();
        return true;
      }
      lane.count('dropped', 1);
      return false;
    });
    if (notifiers.length === 0) return;
    this.incoming.push({ alert, notifiers });
    if (this.incoming.length === 1) queueMicrotask(() => this.commit());
  }

  /** A reload: the lanes follow the new notifiers and routes (reconfigure.ts); queued rows are untouched. */
  reconfigure(notifiers: Iterable<Notifier>, routes: ReadonlyMap<string, FallbackRoute>): void {
    this.retired = reconfigureLanes(this.lanes, this.retired, notifiers, this.outbox.pending(), (n) => this.open(n));
    this.fallbacks = new Fallbacks(routes, new Set(this.lanes.keys()), this.outbox, this.log);
  }

  /** Per-notifier counters of dropped, folded-by-cap and rerouted alerts. */
  capStats(notifier: string): NotifierCapStats | undefined {
    if (!this.lanes.has(notifier)) return undefined;
    const { dropped, foldedByCap, rerouted } = this.book.of(notifier);
    return { dropped, foldedByCap, rerouted };
  }

  /** Per configured notifier: its delivery counters and, while it fails, since when. */
  notifierStats(): Map<string, NotifierDeliveryStats> {
    const lost = this.outbox.inMemory.lostByNotifier;
    return new Map([...this.lanes].map(([name, lane]) => [name, { ...lane.stats(), lost: lost.get(name) ?? 0 }]));
  }

  /**
   * Gives sends in flight up to `timeoutMs`; returns early once every lane is empty or waiting past that
   * time. Then stops: whatever is undelivered stays in the outbox. Returns how many alerts that is.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.commit();
    const deadline = this.clock.now() + timeoutMs;
    const settled = () => [...this.lanes.values()].every((l) => l.settled(deadline));
    if (!settled()) {
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          timer.cancel();
          this.shutdown.onProgress(undefined);
          resolve();
        };
        const timer = this.clock.setTimer(timeoutMs, finish);
        this.shutdown.onProgress(() => {
          if (settled()) finish();
        });
      });
    }
    this.shutdown.stop();
    this.unwatch();
    for (const lane of this.lanes.values()) lane.stop();
    await Promise.allSettled([...this.lanes.values(), ...this.retired].map((l) => l.ended));
    const left = this.stats.queued;
    if (left > 0) this.log.warn({ queued: left }, `${left} alerts kept in the outbox for next start`);
    return left;
  }

  private open(n: Notifier): Lane {
    return new Lane(n, this.ctx, this.book.of(n.name));
  }

  private commit(): void {
    const batch = this.incoming.splice(0);
    for (const lane of this.lanes.values()) lane.committed();
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
      lane.landed(1);
      grown.set(lane, (grown.get(lane) ?? 0) + 1);
    }
    for (const [lane, landed] of grown) {
      // delivery.max_queue: the backlog folds per rule; rows being sent stay as they are.
      const sending = lane.sendingRows();
      const folded = this.cap.fold(lane.notifier.name, lane.pending, sending.size > 0 ? Math.max(...sending) : 0);
      lane.forget(folded.rows);
      lane.count('foldedByCap', folded.alerts);
      const mine = lane.busy || folded.rows > 0 || lane.pending !== landed ? [] : written.filter((r) => r.notifier === lane.notifier.name);
      lane.kick(mine.length === landed ? mine : undefined);
    }
    this.syncOutboxStats();
  }

  private syncOutboxStats(): void {
    this.stats.buffered = this.outbox.inMemory.buffered;
    this.stats.lost = this.outbox.inMemory.lostAlerts;
  }

  /** Another process changed the outbox (re-queued or dropped rows): take its counts and look again. */
  private resync(counts: Map<string, number>): void {
    if (this.shutdown.stopped) return;
    for (const [name, lane] of this.lanes) lane.resync(counts.get(name) ?? 0);
  }
}
