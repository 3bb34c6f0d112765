// The dispatcher's counters: the totals /metrics and `relay status` show, and each notifier's share of them.
// A notifier's share is kept by name, apart from its lane, so its counts survive its lane being replaced (a
// reload that removes and brings back the notifier): counters only ever grow.

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

/** The counters of DeliveryStats a lane counts for its notifier (and into the totals). */
export type LaneCounter = 'sent' | 'retried' | 'dead' | 'folded' | 'dropped' | 'foldedByCap' | 'rerouted';

/** One notifier's share of DeliveryStats (without `queued`: the outbox knows that). */
export type NotifierCounts = Record<LaneCounter, number>;

/** The counters of NotifierCounts that the queue cap and the fallbacks keep (`Dispatcher.capStats`). */
export type NotifierCapStats = Pick<NotifierCounts, 'dropped' | 'foldedByCap' | 'rerouted'>;

/**
 * One notifier's counts, since when it fails, and its concurrency now, as /metrics reads them (a reading of
 * a notifier without a lane has the delivery counts only: the rest are 0).
 */
export interface NotifierDeliveryStats extends Omit<NotifierCounts, keyof NotifierCapStats>, Partial<NotifierCapStats> {
  /** Epoch ms (the dispatcher's clock) of the first failure in the current run of failures; absent while it delivers. */
  failingSince?: number;
  /** Sends it may have in flight now (adapted up to its `concurrency`). */
  concurrency?: number;
  /** Alerts for it lost this run because neither the disk nor the memory buffer could take them. */
  lost?: number;
}

export function emptyStats(): DeliveryStats {
  return { queued: 0, sent: 0, retried: 0, dead: 0, folded: 0, dropped: 0, foldedByCap: 0, rerouted: 0, buffered: 0, lost: 0 };
}

export function emptyCounts(): NotifierCounts {
  return { sent: 0, retried: 0, dead: 0, folded: 0, dropped: 0, foldedByCap: 0, rerouted: 0 };
}

/** Each notifier's counts by name, made on first use. */
export class NotifierStatsBook {
  private readonly byName = new Map<string, NotifierCounts>();

  of(notifier: string): NotifierCounts {
    let s = this.byName.get(notifier);
    if (!s) this.byName.set(notifier, (s = emptyCounts()));
    return s;
  }
}
