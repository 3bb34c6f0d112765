// The durable outbox: one SQLite row per (alert, notifier) from the moment an alert is handed to delivery
// until a provider accepted it. A row leaves on success, or moves to `dead` (kept for inspection, bounded)
// when no retry can help or it grew too old. SQLite in WAL mode with synchronous=FULL: `add` has committed
// to disk when it returns, so an alert the pipeline produced survives a crash or restart.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreHealth } from '../state/store-health.ts';
import type { Alert } from '../alert.ts';
import type { MessageType } from '../message-type.ts';

/** Dead rows kept for inspection; older ones are pruned so a long outage cannot grow the file forever. */
const DEAD_KEEP = 1000;

export interface OutboxRow {
  /** Insertion order: a notifier's lane sends in this order. */
  seq: number;
  alertId: string;
  notifier: string;
  title: string;
  body: string;
  type: MessageType;
  severity?: number;
  rule: string;
  key: string;
  count: number;
  createdAt: number;
  enqueuedAt: number;
  /** Failed tries so far. */
  attempts: number;
  /** Not to be tried before this time (the provider's Retry-After or our backoff). */
  nextAttemptAt: number;
  lastError?: string;
}

interface Row {
  seq: number;
  alert_id: string;
  notifier: string;
  title: string;
  body: string;
  type: MessageType;
  severity: number | null;
  rule: string;
  key: string;
  count: number;
  created_at: number;
  enqueued_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** What waits for one notifier: pending rows, when the oldest of them entered, and dead rows kept. */
export interface OutboxWaiting {
  pending: number;
  oldestEnqueuedAt: number | undefined;
  dead: number;
}

export class Outbox {
  private readonly db: Database.Database;
  private insert: Database.Statement | undefined;
  private state: StoreHealth = { writable: true };

  static open(stateDir: string): Outbox {
    mkdirSync(stateDir, { recursive: true, mode: 0o750 });
    return new Outbox(join(stateDir, 'outbox.db'));
  }

  /** `file` may be `:memory:` for tests that do not need durability. */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, notifier TEXT NOT NULL,
      title TEXT NOT NULL, body TEXT NOT NULL, type TEXT NOT NULL, severity INTEGER, rule TEXT NOT NULL,
      key TEXT NOT NULL, count INTEGER NOT NULL, created_at INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
      state TEXT NOT NULL DEFAULT 'pending', dead_at INTEGER,
      UNIQUE (alert_id, notifier));
      CREATE INDEX IF NOT EXISTS outbox_lane ON outbox (notifier, state, seq)`);
  }

  /**
   * Each alert gets one row per notifier, all in one transaction (one disk sync for a whole burst); returns,
   * per alert, the notifiers that got a new row (an alert id is added once).
   */
  add(batch: readonly { alert: Alert; notifiers: readonly string[] }[], now: number): string[][] {
    this.insert ??= this.db.prepare(`INSERT OR IGNORE INTO outbox (alert_id, notifier, title, body, type, severity, rule,
      key, count, created_at, enqueued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insert = this.insert;
    return this.write(() => batch.map(({ alert, notifiers }) => notifiers.filter((n) =>
      insert.run(alert.id, n, alert.title, alert.body, alert.type, alert.severity ?? null, alert.rule, alert.key,
        alert.count, alert.createdAt, now, now).changes > 0)));
  }

  /** The oldest pending rows of one notifier, in order. */
  head(notifier: string, limit = 1): OutboxRow[] {
    return (this.db.prepare("SELECT * FROM outbox WHERE notifier = ? AND state = 'pending' ORDER BY seq LIMIT ?")
      .all(notifier, limit) as Row[]).map(fromRow);
  }

  /** Pending rows per notifier. */
  pending(): Map<string, number> {
    const rows = this.db.prepare("SELECT notifier, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY notifier")
      .all() as { notifier: string; n: number }[];
    return new Map(rows.map((r) => [r.notifier, r.n]));
  }

  /** Pending rows of one notifier that entered the outbox at or before `before`, in order. */
  enqueuedBefore(notifier: string, before: number): OutboxRow[] {
    return (this.db.prepare("SELECT * FROM outbox WHERE notifier = ? AND state = 'pending' AND enqueued_at <= ? ORDER BY seq")
      .all(notifier, before) as Row[]).map(fromRow);
  }

  /** Delivered: the rows go. */
  remove(seqs: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.write(() => {
      for (const seq of seqs) del.run(seq);
    });
  }

  /** A failure that a retry can help: count it and hold the rows until `nextAttemptAt`. */
  retryLater(seqs: readonly number[], nextAttemptAt: number, error: string): void {
    const update = this.db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?');
    this.write(() => {
      for (const seq of seqs) update.run(nextAttemptAt, error, seq);
    });
  }

  /** Given up: the rows move to `dead` with the reason, and the dead list is pruned to its bound. */
  bury(seqs: readonly number[], error: string, now: number): void {
    const update = this.db.prepare("UPDATE outbox SET state = 'dead', dead_at = ?, last_error = ? WHERE seq = ?");
    this.write(() => {
      for (const seq of seqs) update.run(now, error, seq);
      this.db.prepare(`DELETE FROM outbox WHERE state = 'dead' AND seq NOT IN
        (SELECT seq FROM outbox WHERE state = 'dead' ORDER BY dead_at DESC, seq DESC LIMIT ?)`).run(DEAD_KEEP);
    });
  }

  /** Dead rows, newest first (for inspection and tests). */
  dead(limit = DEAD_KEEP): OutboxRow[] {
    return (this.db.prepare("SELECT * FROM outbox WHERE state = 'dead' ORDER BY dead_at DESC, seq DESC LIMIT ?")
      .all(limit) as Row[]).map(fromRow);
  }

  /** Per notifier, in one pass: what /metrics shows as outbox depth, oldest waiting age and dead rows. */
  waiting(): Map<string, OutboxWaiting> {
    const rows = this.db.prepare(`SELECT notifier, SUM(state = 'pending') AS pending,
      MIN(CASE WHEN state = 'pending' THEN enqueued_at END) AS oldest, SUM(state = 'dead') AS dead
      FROM outbox GROUP BY notifier`).all() as { notifier: string; pending: number; oldest: number | null; dead: number }[];
    return new Map(rows.map((r) => [r.notifier, { pending: r.pending, oldestEnqueuedAt: r.oldest ?? undefined, dead: r.dead }]));
  }

  /** Writable unless the last write threw; the next write that succeeds makes it writable again. */
  health(): StoreHealth {
    return this.state;
  }

  close(): void {
    this.db.close();
  }

  /** One transaction, remembering whether it could be written (for /readyz). */
  private write<T>(fn: () => T): T {
    try {
      const result = this.db.transaction(fn)();
      if (!this.state.writable) this.state = { writable: true };
      return result;
    } catch (e) {
      this.state = { writable: false, since: this.state.since ?? Date.now(), error: e instanceof Error ? e.message : String(e) };
      throw e;
    }
  }
}

function fromRow(r: Row): OutboxRow {
  return {
    seq: r.seq, alertId: r.alert_id, notifier: r.notifier, title: r.title, body: r.body, type: r.type,
    ...(r.severity === null ? {} : { severity: r.severity }), rule: r.rule, key: r.key, count: r.count,
    createdAt: r.created_at, enqueuedAt: r.enqueued_at, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
  };
}
