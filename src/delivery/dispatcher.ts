// Hands alerts to notifiers through the durable outbox: one lane per notifier, sent in order. A webhook read
// by a program has several sends in flight (its `concurrency`, adapted to how the receiver copes:
// adaptive-concurrency.ts), never two of one alert key at once; a people-facing service gets one at a time,
// paced to its provider's limits (pacer.ts), and what piles up behind it, slow or failing, is sent as one
// digest. Failures a retry can help wait for the provider's own Retry-After or for backoff, without an
// attempt limit, until delivery.max_age. Every alert is in the outbox (or, while the disk refuses writes,
// in its memory buffer) by the end of the turn `enqueue` ran in, so a restart resumes it. A lane's queue is capped
// (queue-cap.ts), dead or long-waiting alerts go to the notifier's fallback (fallback.ts), and rows another
// process re-queued (`relay outbox retry`) are picked up.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import { formatDuration } from '../config/duration.ts';
import type { Logger } from '../log.ts';
import type { Message, Notifier } from '../../notifiers/types.ts';
import { NotifyError } from '../errors.ts';
import { describeError } from '../describe-error.ts';
import type { NewRows, Outbox, OutboxRow } from '../outbox/outbox.ts';
import { digestMessage } from './digest.ts';
import { LaneHealth } from './lane-health.ts';
import { retryDelay } from './retry-delay.ts';
import { QueueCap } from './queue-cap.ts';
import { Fallbacks, type FallbackRoute, type Rerouted } from './fallback.ts';
import { watchOutbox } from '../outbox/outbox-watch.ts';
import { AdaptiveConcurrency, type SendOutcome } from './adaptive-concurrency.ts';
import { Pacer } from './pacer.ts';

/** Most alerts folded into one digest; a larger backlog goes out as several, still in order. */
const FOLD_MAX = 1000;

export interface DeliveryStats {
  /** Messages waiting in the outbox now, per notifier summed (a row folded by max_queue counts once). */
  queued: number;
  /** Alerts delivered, folded ones included. */
  sent: number;
  /** Failed tries that will be tried again. */
  retried: number;
  /** Alerts moved to dead: rejected by the provider, or older than max_age. */
  dead: number;
  /** Alerts delivered inside a digest. */
  folded: number;
  /** Alerts dropped because their notifier's queue was past delivery.max_queue_hard. */
  dropped: number;
  /** Alerts folded into per-rule rows because their notifier's queue was past delivery.max_queue. */
  foldedByCap: number;
  /** Alerts copied to a notifier's fallback (dead there, or waiting longer than fallback_after). */
  rerouted: number;
  /** Alerts waiting in memory because state_dir's disk refuses writes (now). */
  buffered: number;
  /** Alerts lost because neither the disk nor the memory buffer could take them. */
  lost: number;
}

/** The counters of DeliveryStats that belong to one notifier. */
export interface NotifierCapStats {
  dropped: number;
  foldedByCap: number;
  /** Alerts of this notifier rerouted to its fallback. */
  rerouted: number;
}

/** One notifier's share of DeliveryStats (without `queued`: the outbox knows that), and since when it fails. */
export interface NotifierDeliveryStats {
  sent: number;
  retried: number;
  dead: number;
  folded: number;
  /** Epoch ms (the dispatcher's clock) of the first failure in the current run of failures; absent while it delivers. */
  failingSince?: number;
  /** Sends it may have in flight now (adapted up to its `concurrency`). */
  concurrency?: number;
}

interface Lane {
  notifier: Notifier;
  health: LaneHealth;
  /** Rows of this notifier in the outbox. */
  pending: number;
  running: boolean;
  loop: Promise<void>;
  /** Seqs of the rows being sent (or sent, until their removal is written): none is sent twice at once. */
  sending: Set<number>;
  /** Alert keys (rule and key) being sent: a second alert of one key waits for the first. */
  sendingKeys: Set<string>;
  /** The sends under way, each settled once its outcome is written. */
  sends: Set<Promise<void>>;
  /** How many sends may be in flight now. */
  arc: AdaptiveConcurrency;
  pacer: Pacer;
  /** The lane had nothing to send before this send: the first alert after a quiet spell goes alone. */
  idle: boolean;
  /** A send's outcome could not be written to the outbox: the loop stops with it. */
  broken: unknown;
  /** Rows admitted in the current turn, not yet counted in `pending`. */
  admitted: number;
  counters: NotifierCapStats;
  /** Set while the lane waits for its head to become due; `wake` ends the wait early (shutdown). */
  wakeAt: number | undefined;
  wake: (() => void) | undefined;
  /** Its notifier left the config (a reload): the loop ends after the send in flight. */
  retired: boolean;
}

export class Dispatcher {
  readonly stats: DeliveryStats = { queued: 0, sent: 0, retried: 0, dead: 0, folded: 0, dropped: 0, foldedByCap: 0, rerouted: 0, buffered: 0, lost: 0 };
  private readonly lanes = new Map<string, Lane>();
  /** Lanes a reload removed, whose send in flight `drain` still waits for. */
  private retired: Lane[] = [];
  private readonly cap: QueueCap;
  private fallbacks: Fallbacks;
  private readonly unwatch: () => void;
  private readonly abort = new AbortController();
  private stopped = false;
  /** Enqueued this turn, not yet in the outbox. */
  private readonly incoming: NewRows[] = [];
  /** Set by `drain`: told whenever a lane finishes a send or starts to wait. */
  private onProgress: (() => void) | undefined;
  /** Sends that succeeded, waiting for their rows' removal to be written (writeDelivered). */
  private readonly done: { lane: Lane; rows: OutboxRow[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** Each notifier's share of `stats` (what /metrics shows per notifier). */
  private readonly statsByNotifier = new Map<string, Omit<NotifierDeliveryStats, 'failingSince'>>();

  /** Rows an earlier run left in the outbox are picked up at once: delivery resumes where it stopped. */
  constructor(
    notifiers: Iterable<Notifier>,
    private readonly config: DeliveryConfig,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Fallbacks by notifier name (notifiers: {NAME: {url, fallback, fallback_after}}). */
    routes: ReadonlyMap<string, FallbackRoute> = new Map(),
  ) {
    this.cap = new QueueCap(config, outbox, log);
    for (const n of notifiers) this.lanes.set(n.name, newLane(n, log, clock));
    this.fallbacks = new Fallbacks(routes, new Set(this.lanes.keys()), outbox, log);
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
    for (const lane of this.lanes.values()) if (lane.pending > 0) this.kick(lane);
  }

  /**
   * Durable by the end of the current turn of the event loop: every alert enqueued in one turn (a TCP read's
   * worth of events) goes into the outbox in one transaction, before any send or I/O can run.
   */
  enqueue(alert: Alert): void {
    if (this.stopped) return;
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

  /**
   * A reload: an added notifier's lane starts with what the outbox holds for it; a removed one's lane ends
   * after the send in flight and its rows stay in the outbox (as at a start without it); a changed one sends
   * through its new notifier from its next attempt on. Queued rows are untouched. Unchanged notifiers are
   * passed as the same objects and keep their lanes as they are.
   */
  reconfigure(notifiers: Iterable<Notifier>, routes: ReadonlyMap<string, FallbackRoute>): void {
    const next = new Map([...notifiers].map((n) => [n.name, n]));
    this.retired = this.retired.filter((l) => l.running);
    for (const [name, lane] of this.lanes) {
      if (next.has(name)) continue;
      this.lanes.delete(name);
      this.stats.queued -= lane.pending;
      lane.pending = 0;
      lane.retired = true;
      lane.wake?.();
      this.retired.push(lane);
    }
    const pending = this.outbox.pending();
    for (const n of next.values()) {
      const lane = this.lanes.get(n.name);
      if (lane && lane.notifier !== n) this.renotify(lane, n);
      if (lane) continue;
      // Removed and back while its last send is still in flight: the same lane carries on, so no row is sent twice.
      const back = this.retired.find((l) => l.notifier.name === n.name);
      if (back) {
        this.retired.splice(this.retired.indexOf(back), 1);
        this.renotify(back, n);
        back.retired = false;
      }
      const added = back ?? newLane(n, this.log, this.clock);
      added.pending = pending.get(n.name) ?? 0;
      this.stats.queued += added.pending;
      this.lanes.set(n.name, added);
      this.kick(added);
    }
    this.fallbacks = new Fallbacks(routes, new Set(this.lanes.keys()), this.outbox, this.log);
  }

  /** A lane goes on with a changed notifier: its health, concurrency and pacing start afresh with it. */
  private renotify(lane: Lane, n: Notifier): void {
    lane.notifier = n;
    lane.health = new LaneHealth(n, this.log);
    lane.arc = new AdaptiveConcurrency(n.concurrency);
    lane.pacer = new Pacer(n.pace, this.clock);
  }

  /** Per-notifier counters of dropped, folded-by-cap and rerouted alerts. */
  capStats(notifier: string): NotifierCapStats | undefined {
    return this.lanes.get(notifier)?.counters;
  }

  private commit(): void {
    const batch = this.incoming.splice(0);
    for (const lane of this.lanes.values()) lane.admitted = 0;
    if (batch.length > 0) this.landed(this.outbox.add(batch, this.clock.now()).flat());
    this.cap.recordDrops();
    this.syncOutboxStats();
  }

  /** Rows that reached the outbox: now, or later when the disk took them again. */
  private landed(names: readonly string[]): void {
    const grown = new Set<Lane>();
    for (const name of names) {
      const lane = this.lanes.get(name);
      if (!lane) continue;
      lane.pending++;
      this.stats.queued++;
      grown.add(lane);
    }
    for (const lane of grown) {
      // delivery.max_queue: the backlog folds per rule; rows being sent stay as they are.
      const folded = this.cap.fold(lane.notifier.name, lane.pending, lane.sending.size > 0 ? Math.max(...lane.sending) : 0);
      this.forget(lane, folded.rows);
      lane.counters.foldedByCap += folded.alerts;
      this.stats.foldedByCap += folded.alerts;
      this.kick(lane);
    }
    this.syncOutboxStats();
  }

  private syncOutboxStats(): void {
    this.stats.buffered = this.outbox.buffered();
    this.stats.lost = this.outbox.lostAlerts();
  }

  /** Another process changed the outbox (re-queued or dropped rows): take its counts and look again. */
  private resync(counts: Map<string, number>): void {
    if (this.stopped) return;
    this.stats.queued = 0;
    for (const [name, lane] of this.lanes) {
      lane.pending = counts.get(name) ?? 0;
      this.stats.queued += lane.pending;
      if (lane.pending === 0) continue;
      if (lane.wake) lane.wake();
      else this.kick(lane);
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
    this.unwatch();
    this.abort.abort();
    for (const lane of this.lanes.values()) lane.wake?.();
    await Promise.allSettled([...this.lanes.values(), ...this.retired].map((l) => l.loop));
    const left = this.stats.queued;
    if (left > 0) this.log.warn({ queued: left }, `${left} alerts kept in the outbox for next start`);
    return left;
  }

  /** Per configured notifier: its delivery counters and, while it fails, since when. */
  notifierStats(): Map<string, NotifierDeliveryStats> {
    return new Map([...this.lanes].map(([name, lane]) => [name, { ...this.statsOf(lane), failingSince: lane.health.failingSince, concurrency: lane.arc.limit }]));
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
    return [...this.lanes.values()].every((l) => l.sending.size === 0 && (l.pending === 0 || !l.running || (l.wakeAt ?? 0) > deadline));
  }

  private async run(lane: Lane): Promise<void> {
    lane.running = true; // set synchronously, so an enqueue during the loop never starts a second one
    const name = lane.notifier.name;
    try {
      while (!this.stopped && !lane.retired) {
        if (lane.broken !== undefined) throw lane.broken;
        const now = this.clock.now();
        // The oldest rows not being sent, with room to look past keys that must wait (not more: this read
        // runs once per finished send, and its rows are most of the CPU a fast lane costs).
        const free = Math.max(0, lane.arc.limit - lane.sending.size);
        const rows = this.outbox.head(name, lane.sending.size + 2 * free + 8).filter((r) => !lane.sending.has(r.seq));
        const head = rows[0];
        if (!head) {
          if (lane.sending.size === 0) break;
          await this.waitUntil(lane, undefined);
          continue;
        }
        // Rows are in enqueue order, so an expired backlog starts at the head.
        if (head.enqueuedAt + this.config.max_age <= now) {
          this.expire(lane, now);
          continue;
        }
        const rerouteAt = this.fallbacks.dueAt(name, head);
        if (rerouteAt <= now) {
          const moved = this.fallbacks.moveWaiting(name, now, lane.sending);
          this.forget(lane, moved.rows);
          this.rerouted(lane, moved);
          continue;
        }
        // The head waits (a retry's time, the provider's bucket): so does the lane, as one lane in an outage.
        const due = Math.min(Math.max(head.nextAttemptAt, paced(head) ? lane.pacer.readyAt() : 0), head.enqueuedAt + this.config.max_age, rerouteAt);
        if (due > now || lane.sending.size >= lane.arc.limit) {
          await this.waitUntil(lane, due > now ? due : undefined);
          continue;
        }
        // A backlog that built up behind a failing or slow notifier goes out as one digest, not one by one
        // (to people; a webhook read by a program gets every alert as its own message). The first alert after
        // a quiet spell goes alone, at once.
        const backlog = lane.notifier.foldsBacklog && lane.pending > this.config.fold_after && (head.attempts > 0 || !lane.idle);
        const picked = backlog ? [undirected(this.outbox.head(name, FOLD_MAX))] : this.ready(lane, rows, now);
        if (picked.length === 0) {
          await this.waitUntil(lane, undefined);
          continue;
        }
        for (const batch of picked) this.start(lane, batch);
      }
    } catch (e) {
      this.log.error({ notifier: name, err: describeError(e) }, 'delivery stopped: the outbox could not be read or written');
    } finally {
      await Promise.allSettled([...lane.sends]);
      lane.idle = true;
      lane.running = false;
      this.onProgress?.();
    }
  }

  /** Rows that may start now, in order, within the lane's limit: due, and no earlier row of their key waiting or in flight. */
  private ready(lane: Lane, rows: OutboxRow[], now: number): OutboxRow[][] {
    const free = lane.arc.limit - lane.sending.size;
    const held = new Set(lane.sendingKeys);
    const picked: OutboxRow[][] = [];
    for (const row of rows) {
      if (picked.length >= free) break;
      const key = keyOf(row);
      if (held.has(key)) continue;
      held.add(key);
      if (row.nextAttemptAt <= now) picked.push([row]);
    }
    return picked;
  }

  private start(lane: Lane, rows: OutboxRow[]): void {
    lane.idle = false;
    for (const r of rows) {
      lane.sending.add(r.seq);
      lane.sendingKeys.add(keyOf(r));
    }
    const send = this.attempt(lane, rows)
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
        this.onProgress?.();
      });
    lane.sends.add(send);
  }

  private async attempt(lane: Lane, rows: OutboxRow[]): Promise<void> {
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
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.timeout)]);
      await lane.notifier.send(message, paced(rows[0]!) ? { signal, pace, rateLimit: (state) => lane.pacer.told(state) } : { signal });
    } catch (e) {
      outcome = 'rejected';
      // Cut short by shutdown: the rows stay as they were, for the next start.
      if (this.stopped) return;
      // A retry can help: the receiver is down, overloaded or limiting (429, 5xx, timeout), so fewer at once.
      outcome = e instanceof NotifyError && e.retryable ? 'pushback' : 'rejected';
      this.failed(lane, rows, e);
      return;
    } finally {
      if (parts > 0) lane.pacer.finished();
      lane.arc.finished(ticket, performance.now() - startedAt, outcome);
    }
    await this.delivered(lane, rows);
  }

  /** Written in one transaction with the other sends that finished in the same turn of the event loop: one disk sync for many. */
  private delivered(lane: Lane, rows: OutboxRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.done.push({ lane, rows, resolve, reject });
      if (this.done.length === 1) setImmediate(() => this.writeDelivered());
    });
  }

  private writeDelivered(): void {
    const done = this.done.splice(0);
    try {
      this.outbox.remove(done.flatMap((d) => d.rows));
    } catch (e) {
      for (const d of done) d.reject(e);
      return;
    }
    for (const { lane, rows, resolve } of done) {
      this.forget(lane, rows.length);
      const alerts = rows.reduce((n, r) => n + r.alerts, 0);
      this.stats.sent += alerts;
      this.statsOf(lane).sent += alerts;
      if (rows.length > 1) {
        this.stats.folded += alerts;
        this.statsOf(lane).folded += alerts;
        this.log.info({ notifier: lane.notifier.name, alerts }, 'backlog sent as one digest');
      }
      this.log.debug({ notifier: lane.notifier.name, alert: rows[0]!.alertId, alerts: rows.length }, 'alert sent');
      lane.health.recovered(this.clock.now(), rows.length);
      resolve();
    }
  }

  private failed(lane: Lane, rows: OutboxRow[], e: unknown): void {
    const now = this.clock.now();
    const head = rows[0]!;
    const tries = head.attempts + 1;
    const err = describeError(e);
    const code = (e as { code?: string }).code;
    const providerAnswer = e instanceof NotifyError ? e.providerAnswer : undefined;
    if (!(e instanceof NotifyError)) {
      // Not a provider's answer but a bug in relay or a notifier module: trying again cannot help.
      this.bury(lane, rows, `failed with a programming error (not retried): ${err}`, now);
      this.log.error({ notifier: lane.notifier.name, alerts: rows.length, alert: head.alertId, rule: head.rule, title: head.title, err, stack: (e as Error | undefined)?.stack },
        'notifier failed with a programming error (a bug, not a delivery failure): alert moved to dead, not retried');
      return;
    }
    const retryable = e.retryable;
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
    this.outbox.retryLater(rows, now + delay, err);
    this.stats.retried++;
    this.statsOf(lane).retried++;
    lane.health.failed(now, { err, ...(code ? { code } : {}), ...(providerAnswer ? { providerAnswer } : {}), retryInMs: delay, queued: lane.pending });
  }

  /** Rows that waited longer than max_age go to dead, with one error line per batch. */
  private expire(lane: Lane, now: number): void {
    const old = this.outbox.enqueuedBefore(lane.notifier.name, now - this.config.max_age).filter((r) => !lane.sending.has(r.seq));
    const lastError = old[old.length - 1]!.lastError ?? 'never tried';
    this.bury(lane, old, `not delivered within delivery.max_age (${formatDuration(this.config.max_age)}); last error: ${lastError}`, now);
    this.log.error({
      notifier: lane.notifier.name, url: lane.notifier.maskedUrl, alerts: old.length, title: old[0]!.title, lastError,
    }, 'alerts not delivered within delivery.max_age, moved to dead');
  }

  /** Dead: the rows move to dead, and those that may go to the notifier's fallback are copied there. */
  private bury(lane: Lane, rows: OutboxRow[], reason: string, now: number): void {
    this.forget(lane, rows.length);
    const dead = rows.reduce((n, r) => n + r.alerts, 0);
    this.stats.dead += dead;
    this.statsOf(lane).dead += dead;
    this.rerouted(lane, this.fallbacks.bury(lane.notifier.name, rows, reason, now));
  }

  private rerouted(lane: Lane, r: Rerouted): void {
    lane.counters.rerouted += r.alerts;
    this.stats.rerouted += r.alerts;
    this.landed(r.landed);
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

  /** Until `at`, or (without it, or sooner) until a send finishes or shutdown wakes the lane. */
  private waitUntil(lane: Lane, at: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        timer?.cancel();
        lane.wakeAt = undefined;
        lane.wake = undefined;
        resolve();
      };
      const timer = at === undefined ? undefined : this.clock.setTimer(at - this.clock.now(), done);
      lane.wakeAt = at;
      lane.wake = done;
      this.onProgress?.();
    });
  }
}

function newLane(notifier: Notifier, log: Logger, clock: Clock): Lane {
  return {
    notifier, health: new LaneHealth(notifier, log), pending: 0, running: false, loop: Promise.resolve(),
    sending: new Set(), sendingKeys: new Set(), sends: new Set(), arc: new AdaptiveConcurrency(notifier.concurrency), pacer: new Pacer(notifier.pace, clock),
    idle: true, broken: undefined, admitted: 0, counters: { dropped: 0, foldedByCap: 0, rerouted: 0 }, wakeAt: undefined, wake: undefined, retired: false,
  };
}

/** The rows a digest may fold: up to the first row for one person, which goes alone (never into a digest others read). */
function undirected(rows: OutboxRow[]): OutboxRow[] {
  const cut = rows.findIndex((r) => r.recipient !== undefined);
  return cut === -1 ? rows : rows.slice(0, Math.max(1, cut));
}

/**
 * A provider's limits are per channel: a message for one person goes to that person's own channel (a DM,
 * their address), not the one the notifier's pace and bucket count.
 */
function paced(row: OutboxRow): boolean {
  return row.recipient === undefined;
}

/** Two alerts with one key are never in flight together: they reach the receiver in the order they were raised. */
function keyOf(row: OutboxRow): string {
  return `${row.rule}\u0000${row.key}`;
}

function messageOf(row: OutboxRow): Message {
  return {
    title: row.title, body: row.body, type: row.type, ...(row.severity === undefined ? {} : { severity: row.severity }),
    ...(row.recipient ? { recipient: row.recipient } : {}), ...(row.answers ? { answers: row.answers } : {}),
  };
}
