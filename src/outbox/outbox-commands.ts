// What `relay outbox` does to outbox.db from another process than the running relay (make due now, revive or
// drop dead rows, drop a notifier's waiting rows), and the loss counters it shows. Each throws on a failed
// write: a command reports it; the running relay keeps a loss it could not record for the next turn.
import type { OutboxDb } from './outbox-db.ts';

/** Alerts a notifier lost, by reason, as counted across runs. */
export interface Loss {
  notifier: string;
  reason: string;
  alerts: number;
  firstAt: number;
  lastAt: number;
}

export class OutboxCommands {
  constructor(private readonly db: OutboxDb) {}

  /** `relay outbox retry NOTIFIER`: its waiting rows are due now. Returns how many. */
  retryNow(notifier: string, now: number): number {
    return this.db
      .statement("UPDATE outbox SET next_attempt_at = ? WHERE notifier = ? AND state = 'pending' AND next_attempt_at > ?")
      .run(now, notifier, now).changes;
  }

  /** Dead rows (all, or the one with `seq`) back to pending, as if just enqueued. Returns them per notifier. */
  revive(now: number, seq?: number): Map<string, number> {
    return this.db.transaction(() => {
      const counts = this.countDead(seq);
      this.db
        .statement(`UPDATE outbox SET state = 'pending', dead_at = NULL, attempts = 0, enqueued_at = @now, next_attempt_at = @now
        WHERE state = 'dead' ${seq === undefined ? '' : 'AND seq = @seq'}`)
        .run({ now, ...(seq === undefined ? {} : { seq }) });
      return counts;
    });
  }

  /** Deletes dead rows (all, or the one with `seq`). Returns them per notifier. */
  dropDead(seq?: number): Map<string, number> {
    return this.db.transaction(() => {
      const counts = this.countDead(seq);
      this.db
        .statement(`DELETE FROM outbox WHERE state = 'dead' ${seq === undefined ? '' : 'AND seq = @seq'}`)
        .run(seq === undefined ? {} : { seq });
      return counts;
    });
  }

  /** Deletes a notifier's waiting rows. Returns how many (alerts, counting folded rows' alerts). */
  dropPending(notifier: string): { rows: number; alerts: number } {
    return this.db.transaction(() => {
      const n = this.db
        .statement(`SELECT COUNT(*) AS rows, COALESCE(SUM(alerts), 0) AS alerts FROM outbox
        WHERE notifier = ? AND state = 'pending'`)
        .get(notifier) as { rows: number; alerts: number };
      this.db.statement("DELETE FROM outbox WHERE notifier = ? AND state = 'pending'").run(notifier);
      return n;
    });
  }

  addLoss(notifier: string, reason: string, alerts: number, firstAt: number, lastAt: number): void {
    this.db
      .statement(`INSERT INTO losses (notifier, reason, alerts, first_at, last_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (notifier, reason) DO UPDATE SET alerts = alerts + excluded.alerts, last_at = excluded.last_at`)
      .run(notifier, reason, alerts, firstAt, lastAt);
  }

  losses(): Loss[] {
    return (
      this.db.statement('SELECT * FROM losses ORDER BY notifier, reason').all() as {
        notifier: string;
        reason: string;
        alerts: number;
        first_at: number;
        last_at: number;
      }[]
    ).map((r) => ({ notifier: r.notifier, reason: r.reason, alerts: r.alerts, firstAt: r.first_at, lastAt: r.last_at }));
  }

  private countDead(seq?: number): Map<string, number> {
    const rows = this.db
      .statement(`SELECT notifier, COUNT(*) AS n FROM outbox
      WHERE state = 'dead' ${seq === undefined ? '' : 'AND seq = @seq'} GROUP BY notifier`)
      .all(seq === undefined ? {} : { seq }) as { notifier: string; n: number }[];
    return new Map(rows.map((r) => [r.notifier, r.n]));
  }
}
