// The dispatcher's counters: the totals /metrics and `relay status` show, and each notifier's share of them.
// Kept apart from the lanes so a notifier's counts survive its lane being replaced (a reload).
import type { Lane } from './lane.ts';

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

export type NotifierCounts = Omit<NotifierDeliveryStats, 'failingSince'>;

export function emptyStats(): DeliveryStats {
  return { queued: 0, sent: 0, retried: 0, dead: 0, folded: 0, dropped: 0, foldedByCap: 0, rerouted: 0, buffered: 0, lost: 0 };
}

/** Each notifier's share of the stats (what /metrics shows per notifier), by name. */
export class NotifierStatsBook {
  private readonly byName = new Map<string, NotifierCounts>();

  of(lane: Lane): NotifierCounts {
    let s = this.byName.get(lane.notifier.name);
    if (!s) this.byName.set(lane.notifier.name, (s = { sent: 0, retried: 0, dead: 0, folded: 0 }));
    return s;
  }

  /** Its counters, and, while it fails, since when; its concurrency now. */
  snapshot(lane: Lane): NotifierDeliveryStats {
    return { ...this.of(lane), failingSince: lane.health.failingSince, concurrency: lane.arc.limit };
  }
}
