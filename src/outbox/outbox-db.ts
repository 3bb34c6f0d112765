// The outbox's SQLite file (state_dir/outbox.db): one row per (alert, notifier) from the moment an alert is
// handed to delivery until a provider accepted it. A row leaves on success, or moves to `dead` (kept for
// inspection, bounded) when no retry can help or it grew too old. WAL, in one of two modes: every commit
// synced (synchronous=FULL: a write has reached the disk when it returns), or commits that are in the OS's
// hands when they return (synchronous=NORMAL: they survive relay being killed, not a power loss) made
// durable by OutboxSyncer's fsync of the WAL every delivery.sync_interval, or by `sync()`. Every method
// throws on a failed write; holding writes the disk refused, and when to sync, is the job of Outbox. The
// schema is outbox-schema.ts; what `relay outbox` does from another process, outbox-commands.ts.
import type Database from 'better-sqlite3';
import { damaged } from '../state/sqlite-file.ts';
import { foldRows } from './fold.ts';
import { openOutboxFile, REPAIR } from './outbox-schema.ts';
import { fromHeadRow, fromRow, type HeadRow, type NewRows, type OutboxHead, type OutboxRow, type Row } from './outbox-row.ts';

/** Dead rows kept for inspection; older ones are pruned so a long outage cannot grow the file forever. */
const DEAD_KEEP = 1000;

/** What waits for one notifier: pending alerts, when the oldest of them entered, and dead rows kept. */
export interface OutboxWaiting {
  pending: number;
  oldestEnqueuedAt: number | undefined;
  dead: number;
}

/** One rule's fold: the alerts its row stands for now, the rows it was made of, and alerts folded for the first time. */
export interface FoldResult {
  rule: string;
  alerts: number;
  rows: number;
  newlyFolded: number;
}

const INSERT = `INSERT OR IGNORE INTO outbox (alert_id, notifier, title, body, type, severity, rule, key, count, alerts, folded,
  rerouted_from, created_at, enqueued_at, next_attempt_at, recipient, answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const HEADS = `SELECT seq, rule, key, attempts, next_attempt_at, enqueued_at, rerouted_from, recipient FROM outbox
  WHERE notifier = ? AND state = 'pending' ORDER BY seq LIMIT ?`;
const REMOVE = 'DELETE FROM outbox WHERE seq = ?';

export interface OutboxDbOptions {
  /**
   * false: commits are not synced one by one and SQLite does not checkpoint by itself: the caller syncs
   * (OutboxSyncer) and checkpoints (`sync()`), so no disk sync runs with a commit on the thread that reads
   * syslog and sends alerts. Default true.
   */
  syncEveryCommit?: boolean;
}

export class OutboxDb {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly syncEveryCommit: boolean;

  /** `file` may be `:memory:` for tests that do not need durability. */
  constructor(
    readonly file: string,
    opts: OutboxDbOptions = {},
  ) {
    this.syncEveryCommit = opts.syncEveryCommit ?? true;
    this.db = openOutboxFile(file, this.syncEveryCommit);
    try {
      // Prepared at open, not by the first alert, which would wait for SQLite to parse and plan them.
      for (const sql of [INSERT, HEADS, REMOVE]) this.statement(sql);
    } catch (e) {
      this.db.close();
      throw damaged(file, e, REPAIR) ?? e;
    }
  }

  /** Prepared once per SQL text: preparing parses and plans it, which would otherwise be paid on every alert. */
  statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  /** Runs `fn` in one transaction (one commit); nested calls join the outer one. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Each alert gets one row per notifier; returns, per entry, the notifiers that got a new row. With
   * `written`, the new rows are also pushed there whole, as a read would return them.
   */
  add(batch: readonly NewRows[], now: number, written?: OutboxRow[]): string[][] {
    const insert = this.statement(INSERT);
    return this.transaction(() =>
      batch.map(({ alert, notifiers, alerts, folded, reroutedFrom }) => {
        // The alert's columns, encoded once for all its notifiers' rows.
        const row: Omit<Row, 'seq' | 'notifier'> = {
          alert_id: alert.id,
          title: alert.title,
          body: alert.body,
          type: alert.type,
          severity: alert.severity ?? null,
          rule: alert.rule,
          key: alert.key,
          count: alert.count,
          alerts: alerts ?? 1,
          folded: folded ? JSON.stringify(folded) : null,
          rerouted_from: reroutedFrom ?? null,
          recipient: alert.recipient ? JSON.stringify(alert.recipient) : null,
          answers: alert.answers ? JSON.stringify(alert.answers) : null,
          created_at: alert.createdAt,
          enqueued_at: now,
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
        };
        return notifiers.filter((n) => {
          const stored = insert.run(
            row.alert_id,
            n,
            row.title,
            row.body,
            row.type,
            row.severity,
            row.rule,
            row.key,
            row.count,
            row.alerts,
            row.folded,
            row.rerouted_from,
            row.created_at,
            row.enqueued_at,
            row.next_attempt_at,
            row.recipient,
            row.answers,
          );
          if (stored.changes === 0) return false;
          written?.push(fromRow({ ...row, seq: Number(stored.lastInsertRowid), notifier: n }));
          return true;
        });
      }),
    );
  }

  /** The oldest pending rows of one notifier, in order. */
  head(notifier: string, limit: number): OutboxRow[] {
    return (
      this.statement("SELECT * FROM outbox WHERE notifier = ? AND state = 'pending' ORDER BY seq LIMIT ?").all(notifier, limit) as Row[]
    ).map(fromRow);
  }

  /** `head` without title, body and the other columns only a send reads: what a lane's loop decides on. */
  heads(notifier: string, limit: number): OutboxHead[] {
    return (this.statement(HEADS).all(notifier, limit) as HeadRow[]).map(fromHeadRow);
  }

  /** The pending rows with these seqs, whole, in the order given; a seq no longer pending is left out. */
  rows(seqs: readonly number[]): OutboxRow[] {
    const get = this.statement("SELECT * FROM outbox WHERE seq = ? AND state = 'pending'");
    return seqs.flatMap((seq) => {
      const row = get.get(seq) as Row | undefined;
      return row ? [fromRow(row)] : [];
    });
  }

  /** Per notifier, in one pass: what /metrics shows as outbox depth (alerts), oldest waiting time and dead rows. */
  waiting(): Map<string, OutboxWaiting> {
    const rows = this.statement(`SELECT notifier, SUM(CASE WHEN state = 'pending' THEN alerts ELSE 0 END) AS pending,
      MIN(CASE WHEN state = 'pending' THEN enqueued_at END) AS oldest, SUM(state = 'dead') AS dead
      FROM outbox GROUP BY notifier`).all() as { notifier: string; pending: number; oldest: number | null; dead: number }[];
    return new Map(rows.map((r) => [r.notifier, { pending: r.pending, oldestEnqueuedAt: r.oldest ?? undefined, dead: r.dead }]));
  }

  /** Pending rows per notifier. */
  pending(): Map<string, number> {
    const rows = this.statement("SELECT notifier, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY notifier").all() as {
      notifier: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.notifier, r.n]));
  }

  /** Pending rows of one notifier that entered the outbox at or before `before`, in order. */
  enqueuedBefore(notifier: string, before: number): OutboxRow[] {
    return (
      this.statement("SELECT * FROM outbox WHERE notifier = ? AND state = 'pending' AND enqueued_at <= ? ORDER BY seq").all(
        notifier,
        before,
      ) as Row[]
    ).map(fromRow);
  }

  /**
   * Delivered rows leave without waiting for the disk (synchronous=NORMAL for this one commit, when every
   * other commit is synced): in WAL mode that still survives a crash of relay, and a power loss before the
   * next sync can only send such an alert once more, never lose one. It spares the second of the two disk
   * syncs each alert would cost.
   */
  remove(seqs: readonly number[]): void {
    const del = this.statement(REMOVE);
    const removeAll = () =>
      this.transaction(() => {
        for (const seq of seqs) del.run(seq);
      });
    // Inside a caller's transaction the commit is the caller's, and so is its sync; without a sync per
    // commit, no commit has one.
    if (this.db.inTransaction || !this.syncEveryCommit) return removeAll();
    this.statement('PRAGMA synchronous = NORMAL').run();
    try {
      removeAll();
    } finally {
      this.statement('PRAGMA synchronous = FULL').run();
    }
  }

  /** `bump`: failed tries to add (more than 1 when earlier updates were held in memory). */
  retryLater(seqs: readonly number[], nextAttemptAt: number, error: string, bump = 1): void {
    const update = this.statement('UPDATE outbox SET attempts = attempts + ?, next_attempt_at = ?, last_error = ? WHERE seq = ?');
    this.transaction(() => {
      for (const seq of seqs) update.run(bump, nextAttemptAt, error, seq);
    });
  }

  /** Given up: the rows move to `dead` with the reason, and the dead list is pruned to its bound. */
  bury(seqs: readonly number[], error: string, now: number): void {
    const update = this.statement("UPDATE outbox SET state = 'dead', dead_at = ?, last_error = ? WHERE seq = ? AND state = 'pending'");
    this.transaction(() => {
      for (const seq of seqs) update.run(now, error, seq);
      this.statement(`DELETE FROM outbox WHERE state = 'dead' AND seq NOT IN
        (SELECT seq FROM outbox WHERE state = 'dead' ORDER BY dead_at DESC, seq DESC LIMIT ?)`).run(DEAD_KEEP);
    });
  }

  /** Dead rows, newest first; with `seq`, that one only. */
  dead(limit = DEAD_KEEP, seq?: number): OutboxRow[] {
    return (
      this.statement(
        `SELECT * FROM outbox WHERE state = 'dead' ${seq === undefined ? '' : 'AND seq = @seq'} ORDER BY dead_at DESC, seq DESC LIMIT @limit`,
      ).all({ limit, ...(seq === undefined ? {} : { seq }) }) as Row[]
    ).map(fromRow);
  }

  /**
   * delivery.max_queue: folds the pending rows of `notifier` after `afterSeq` (rows in flight stay as they
   * are), rule by rule from the rule with most rows, until at most `target` rows are left. Each rule's rows
   * become one row at the place of its first, with exact alert and event counts. Returns what was folded.
   */
  fold(notifier: string, target: number, afterSeq: number, reason: string): FoldResult[] {
    return this.transaction(() => {
      let total = (
        this.statement("SELECT COUNT(*) AS n FROM outbox WHERE notifier = ? AND state = 'pending'").get(notifier) as { n: number }
      ).n;
      // A row for one person is never folded: a fold would show one person's alerts to another.
      const rules = this.statement(`SELECT rule, COUNT(*) AS n FROM outbox WHERE notifier = ? AND state = 'pending' AND seq > ?
        AND recipient IS NULL GROUP BY rule HAVING n > 1 ORDER BY n DESC`).all(notifier, afterSeq) as { rule: string; n: number }[];
      const done: FoldResult[] = [];
      for (const { rule } of rules) {
        if (total <= target) break;
        const rows = (
          this.statement(
            "SELECT * FROM outbox WHERE notifier = ? AND rule = ? AND state = 'pending' AND seq > ? AND recipient IS NULL ORDER BY seq",
          ).all(notifier, rule, afterSeq) as Row[]
        ).map(fromRow);
        const into = foldRows(rows, notifier, reason);
        this.statement(
          'UPDATE outbox SET title = ?, body = ?, type = ?, severity = ?, count = ?, alerts = ?, folded = ? WHERE seq = ?',
        ).run(into.title, into.body, into.type, into.severity ?? null, into.count, into.alerts, JSON.stringify(into.folded), rows[0]!.seq);
        const del = this.statement(REMOVE);
        for (const r of rows.slice(1)) del.run(r.seq);
        total -= rows.length - 1;
        done.push({ rule, alerts: into.alerts, rows: rows.length, newlyFolded: rows.reduce((n, r) => n + (r.folded ? 0 : r.alerts), 0) });
      }
      return done;
    });
  }

  /**
   * Makes every commit so far durable, on this thread: a PASSIVE checkpoint, which syncs the WAL (with all
   * commits in it) before copying it into the database file, then syncs that file; it never waits for,
   * nor blocks, another connection. Returns false when a reader kept part of the WAL from being copied:
   * then call again later.
   */
  sync(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (result === undefined || result.log <= 0) return true;
    if (result.checkpointed < result.log) return false;
    // The next commit would start the WAL over, and SQLite syncs a new WAL's header then (a disk sync):
    // a write of the header's user_version, unchanged, starts it now, within this checkpoint's stall
    // rather than in an alert's commit.
    this.db.pragma(`user_version = ${Number(this.db.pragma('user_version', { simple: true }))}`);
    return true;
  }

  /** Writes the WAL into the file and cuts it to nothing: frees space when the disk is full. */
  shrinkWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Moves when another connection (another relay command) commits, so a running relay can notice. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    this.db.close();
  }
}
