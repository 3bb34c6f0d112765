// How much may wait for one notifier. Past delivery.max_queue messages the lane's backlog is folded per
// rule (the dispatcher asks the outbox to); past delivery.max_queue_hard new alerts for that notifier are
// dropped: counted, logged once at the start of the episode and every 10 minutes while it lasts, and said
// in a message to that notifier once its queue is back under max_queue.
import type { Alert } from '../alert.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';

const REMIND_EVERY = 600_000;
export const DROPPED_HARD_LIMIT = 'over delivery.max_queue_hard';

interface Episode {
  dropped: number;
  since: number;
  lastAt: number;
  lastLogAt: number;
  /** Dropped since the last `takeUnrecorded`. */
  unrecorded: number;
}

export class QueueCap {
  private readonly episodes = new Map<string, Episode>();

  constructor(private readonly config: Pick<DeliveryConfig, 'max_queue' | 'max_queue_hard'>, private readonly log: Logger) {}

  /** `waiting`: the notifier's rows, with the ones admitted this turn. False: drop the alert (counted here). */
  admit(notifier: string, waiting: number, now: number): boolean {
    if (waiting < this.config.max_queue_hard) return true;
    let e = this.episodes.get(notifier);
    if (!e) {
      e = { dropped: 0, since: now, lastAt: now, lastLogAt: now, unrecorded: 0 };
      this.episodes.set(notifier, e);
      this.log.error({ notifier, maxQueueHard: this.config.max_queue_hard },
        'outbox full for this notifier (delivery.max_queue_hard): new alerts for it are dropped and counted until its queue shrinks');
    } else if (now - e.lastLogAt >= REMIND_EVERY) {
      e.lastLogAt = now;
      this.log.error({ notifier, dropped: e.dropped + 1, sinceMs: now - e.since }, 'still dropping alerts: outbox full for this notifier (delivery.max_queue_hard)');
    }
    e.dropped++;
    e.unrecorded++;
    e.lastAt = now;
    return false;
  }

  /** Past max_queue a lane that may fold should: `target` is how many rows to fold down to. */
  foldTarget(waiting: number): number | undefined {
    return waiting > this.config.max_queue ? Math.floor(this.config.max_queue / 2) : undefined;
  }

  /** Drops not yet written to the outbox's loss counters, per notifier. */
  takeUnrecorded(): { notifier: string; alerts: number; firstAt: number; lastAt: number }[] {
    const out = [...this.episodes].filter(([, e]) => e.unrecorded > 0).map(([notifier, e]) => ({ notifier, alerts: e.unrecorded, firstAt: e.since, lastAt: e.lastAt }));
    for (const e of this.episodes.values()) e.unrecorded = 0;
    return out;
  }

  /** The lane shrank: once back under max_queue, the episode ends with a message saying what was dropped. */
  shrank(notifier: string, waiting: number): Alert | undefined {
    const e = this.episodes.get(notifier);
    if (!e || waiting > this.config.max_queue) return undefined;
    this.episodes.delete(notifier);
    this.log.warn({ notifier, dropped: e.dropped }, 'outbox for this notifier is back under delivery.max_queue; dropping ended');
    const from = new Date(e.since).toISOString();
    return {
      id: `relay-dropped:${notifier}:${e.since}`, rule: 'relay', notify: [notifier], key: 'relay-dropped', createdAt: e.lastAt, count: e.dropped,
      type: 'failure',
      title: `${e.dropped} alerts for ${notifier} were dropped: too many waited`,
      body: `Between ${from} and ${new Date(e.lastAt).toISOString()} more than ${this.config.max_queue_hard} messages waited for ${notifier} `
        + `(delivery.max_queue_hard), so relay dropped ${e.dropped} new alerts for it. See \`relay outbox\`.`,
    };
  }
}
