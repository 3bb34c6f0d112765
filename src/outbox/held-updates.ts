// Row updates the disk refused (sent, retry later, dead), kept in memory and applied to what the outbox
// reads until they can be written: a row sent during a disk-full outage is not sent again, a row that
// failed waits for its retry instead of being tried in a loop.
import type { OutboxDb } from './outbox-db.ts';
import type { OutboxRow } from './outbox-row.ts';

export type HeldUpdate =
  | { kind: 'remove'; notifier: string }
  | { kind: 'bury'; notifier: string; error: string; at: number }
  | { kind: 'retry'; notifier: string; next: number; error: string; bump: number };

export class HeldUpdates {
  private readonly updates = new Map<number, HeldUpdate>();

  get size(): number {
    return this.updates.size;
  }

  /** `make` sees the update already held for the row, if any. */
  hold(rows: readonly OutboxRow[], make: (row: OutboxRow, before: HeldUpdate | undefined) => HeldUpdate): void {
    for (const r of rows) {
      const before = this.updates.get(r.seq);
      // A row sent or buried stays so; a later retry of it cannot happen.
      if (before && before.kind !== 'retry') continue;
      this.updates.set(r.seq, make(r, before));
    }
  }

  /** Rows as relay last left them: held removals and burials hide rows, held retries patch them. */
  view<T extends Pick<OutboxRow, 'seq' | 'attempts' | 'nextAttemptAt' | 'lastError'>>(rows: T[]): T[] {
    if (this.updates.size === 0) return rows;
    return rows.flatMap((r) => {
      const u = this.updates.get(r.seq);
      if (!u) return [r];
      if (u.kind !== 'retry') return [];
      return [{ ...r, attempts: r.attempts + u.bump, nextAttemptAt: u.next, lastError: u.error }];
    });
  }

  /** Pending counts per notifier without the rows held as sent or dead. */
  adjust(counts: Map<string, number>): Map<string, number> {
    for (const u of this.updates.values()) {
      if (u.kind !== 'retry') counts.set(u.notifier, (counts.get(u.notifier) ?? 0) - 1);
    }
    for (const [n, c] of counts) if (c <= 0) counts.delete(n);
    return counts;
  }

  /** Writes them all in one transaction; throws (keeping them) when the disk still refuses. */
  write(db: OutboxDb): void {
    if (this.updates.size === 0) return;
    db.transaction(() => {
      for (const [seq, u] of this.updates) {
        if (u.kind === 'remove') db.remove([seq]);
        else if (u.kind === 'bury') db.bury([seq], u.error, u.at);
        else db.retryLater([seq], u.next, u.error, u.bump);
      }
    });
    this.updates.clear();
  }
}
