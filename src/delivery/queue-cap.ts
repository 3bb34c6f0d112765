// How much may wait for one notifier. Past delivery.max_queue messages the lane's backlog is folded per
// rule (the dispatcher asks the outbox to); past delivery.max_queue_hard new alerts for that notifier are
// dropped: counted, logged once at the start of the episode and every 10 minutes while it lasts, and said
// in a message to that notifier once its queue is back under max_queue.
import type { Alert } from '../alert.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Outbox } from '../outbox/outbox.ts';

const REMIND_EVERY = 600_000;
const DROPPED_HARD_LIMIT = 'over delivery.max_queue_hard';

interface Episode {
  dropped: number;
  since: number;
  lastAt: number;
  lastLogAt: number;
  /** Dropped and not yet in outbox.db's loss counters. */
  unrecorded: number;
}

export class QueueCap {
  private readonly episodes = new Map<string, Episode>();

  constructor(
    private readonly config: Pick<DeliveryConfig, 'max_queue' | 'max_queue_hard'>,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  /** `waiting`: the notifier's rows, with the ones admitted this turn. False: drop the alert (counted here). */
  admit(notifier: string, waiting: number, now: number): boolean {
    if (waiting < this.config.max_queue_hard) return true;
    let e = this.episodes.get(notifier);
    if (!e) {
      e = { dropped: 0, since: now, lastAt: now, lastLogAt: now, unrecorded: 0 };
      this.episodes.set(notifier, e);
      this.log.error(
        { notifier, maxQueueHard: this.config.max_queue_hard },
        'outbox full for this notifier (delivery.max_queue_hard): new alerts for it are dropped and counted until its queue shrinks',
      );
    } else if (now - e.lastLogAt >= REMIND_EVERY) {
      e.lastLogAt = now;
      this.log.error(
        { notifier, dropped: e.dropped + 1, sinceMs: now - e.since },
        'still dropping alerts: outbox full for this notifier (delivery.max_queue_hard)',
      );
    }
    e.dropped++;
    e.unrecorded++;
    e.lastAt = now;
    return false;
  }

  /**
   * Past max_queue, folds the notifier's backlog per rule, noisiest rule first, down to half of max_queue
   * (rows after `afterSeq` only: those before are being sent). For every notifier, a webhook read by a
   * program too: a folded row with exact counts serves it better than dropped alerts. Returns the rows
   * that went and the alerts folded for the first time.
   */
  fold(notifier: string, waiting: number, afterSeq: number): { rows: number; alerts: number } {
    if (waiting <= this.config.max_queue) return { rows: 0, alerts: 0 };
    const folds = this.outbox.fold(
      notifier,
      Math.floor(this.config.max_queue / 2),
      afterSeq,
      `more than ${this.config.max_queue} messages waited for ${notifier}, delivery.max_queue`,
    );
    const rows = folds.reduce((n, f) => n + f.rows - 1, 0);
    const alerts = folds.reduce((n, f) => n + f.newlyFolded, 0);
    if (folds.length > 0) {
      this.log.warn(
        { notifier, rules: Object.fromEntries(folds.map((f) => [f.rule, f.alerts])), rowsBefore: waiting, rowsNow: waiting - rows },
        "outbox over delivery.max_queue for this notifier: the noisiest rules' waiting alerts folded into one message each",
      );
    }
    return { rows, alerts };
  }

  /** Adds drops not yet written to outbox.db's loss counters (what `relay outbox` shows), once per turn. */
  recordDrops(): void {
    for (const [notifier, e] of this.episodes) this.record(notifier, e);
  }

  private record(notifier: string, e: Episode): void {
    if (e.unrecorded > 0) {
      try {
        this.outbox.commands.addLoss(notifier, DROPPED_HARD_LIMIT, e.unrecorded, e.since, e.lastAt);
        e.unrecorded = 0;
      } catch {
        // The disk refuses writes (the outbox said so): kept for the next turn, and in the stats meanwhile.
      }
    }
  }

  /** The lane shrank: once back under max_queue, the episode ends with a message saying what was dropped. */
  shrank(notifier: string, waiting: number): Alert | undefined {
    const e = this.episodes.get(notifier);
    if (!e || waiting > this.config.max_queue) return undefined;
    this.record(notifier, e);
    this.episodes.delete(notifier);
    this.log.warn({ notifier, dropped: e.dropped }, 'outbox for this notifier is back under delivery.max_queue; dropping ended');
    const from = new Date(e.since).toISOString();
    return {
      id: `relay-dropped:${notifier}:${e.since}`,
      rule: 'relay',
      notify: [notifier],
      key: 'relay-dropped',
      createdAt: e.lastAt,
      count: e.dropped,
      type: 'failure',
      title: `${e.dropped} alerts for ${notifier} were dropped: too many waited`,
      body:
        `Between ${from} and ${new Date(e.lastAt).toISOString()} more than ${this.config.max_queue_hard} messages waited for ${notifier} ` +
        `(delivery.max_queue_hard), so relay dropped ${e.dropped} new alerts for it. See \`relay outbox\`.`,
    };
  }
}
