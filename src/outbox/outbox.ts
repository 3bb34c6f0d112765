// The durable outbox as delivery sees it: outbox.db (outbox-db.ts) plus what to do when state_dir's disk
// refuses writes. Then relay keeps running: new alerts wait in a bounded memory buffer and row updates are
// held in an overlay that reads apply (outage-buffer.ts); the outage is said once, reported by health() and
// retried (write-outage.ts). When the disk takes writes again everything held is written in order, and what
// did not fit in the buffer is counted and said in a message to each notifier that lost alerts. With a sync
// interval (delivery.sync_interval) commits are not synced one by one: a timer has what was written made durable
// off the event loop (periodic-sync.ts), so no disk sync runs on the thread that reads syslog and sends alerts.
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { StoreHealth } from '../state/store-health.ts';
import { WriteOutage } from '../state/write-outage.ts';
import type { HeldUpdate } from './held-updates.ts';
import { OutageBuffer } from './outage-buffer.ts';
import { OutboxCommands } from './outbox-commands.ts';
import { OutboxDb, type FoldResult, type OutboxWaiting } from './outbox-db.ts';
import type { NewRows, OutboxHead, OutboxRow } from './outbox-row.ts';
import { PeriodicSync } from './periodic-sync.ts';

export type { OutboxWaiting } from './outbox-db.ts';
export type { NewRows, OutboxHead, OutboxRow } from './outbox-row.ts';

/** How the outbox's outages are said. */
const OUTAGE_WORDS = {
  name: 'outbox',
  holds: 'new alerts wait in memory (delivery.memory_buffer) and writes are retried',
  healed: 'alerts held in memory are stored',
};

/** Most rows one commit hands over whole (`takeWritten`): enough for an idle relay's alert, not a flood's backlog. */
const WRITTEN_MAX = 16;

export interface OutboxOptions {
  clock?: Clock;
  log?: Logger;
  /** Alerts kept in memory while the disk refuses writes (delivery.memory_buffer). */
  memoryBuffer?: number;
  /**
   * delivery.sync_interval (ms): what was written is made durable this long after the first unsynced commit.
   * 0 or unset: every commit is synced before it returns.
   */
  syncInterval?: number;
}

export class Outbox {
  /** Told which notifiers got rows when alerts held in memory reach the disk. */
  onStored: ((notifiers: string[]) => void) | undefined;
  private readonly db: OutboxDb;
  /** `relay outbox` commands, run in another process than relay: they throw on a failed write. */
  readonly commands: OutboxCommands;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly memoryBuffer: number;
  private readonly held: OutageBuffer;
  private readonly outage: WriteOutage;
  /** Unset: every commit is synced before it returns. */
  private readonly periodicSync: PeriodicSync | undefined;
  private closed = false;
  /** What the last `add` wrote, whole, until taken: see `takeWritten`. */
  private written: OutboxRow[] = [];

  static open(stateDir: string, opts: OutboxOptions = {}): Outbox {
    return new Outbox(join(stateDir, 'outbox.db'), opts);
  }

  /** `file` may be `:memory:` for tests that do not need durability. */
  constructor(file: string, opts: OutboxOptions = {}) {
    const syncInterval = opts.syncInterval ?? 0;
    this.db = new OutboxDb(file, { syncEveryCommit: syncInterval === 0 });
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.memoryBuffer = opts.memoryBuffer ?? 10_000;
    this.commands = new OutboxCommands(this.db);
    this.held = new OutageBuffer(this.memoryBuffer, this.log.child({ file: this.db.file }));
    this.outage = new WriteOutage({ ...OUTAGE_WORDS, clock: this.clock, log: this.log, file: this.db.file }, () => this.writeHeld());
    if (syncInterval > 0) this.periodicSync = new PeriodicSync(this.db, syncInterval, this.clock, this.log);
  }

  /**
   * Each alert gets one row per notifier, all in one transaction (one commit for a whole burst); returns,
   * per alert, the notifiers that got a new row now (an alert id is added once). Alerts the disk refuses
   * wait in memory; `onStored` says when they land.
   */
  add(batch: readonly NewRows[], now: number): string[][] {
    this.written = [];
    if (!this.outage.failing) {
      try {
        const written: OutboxRow[] = [];
        const few = batch.reduce((n, entry) => n + entry.notifiers.length, 0) <= WRITTEN_MAX;
        const added = this.wrote(this.db.add(batch, now, few ? written : undefined));
        this.written = written;
        return added;
      } catch (e) {
        this.failed(e);
      }
    }
    this.held.hold(batch, now);
    return batch.map(() => []);
  }

  /**
   * The rows the last `add` wrote, whole, when it wrote few (none after a larger commit or a failed one),
   * handed over once: a lane that had nothing else to send sends them without reading back what was just written.
   */
  takeWritten(): OutboxRow[] {
    const rows = this.written;
    this.written = [];
    return rows;
  }

  /** The oldest pending rows of one notifier, in order. */
  head(notifier: string, limit = 1): OutboxRow[] {
    return this.held.updates.view(this.db.head(notifier, limit + this.held.updates.size)).slice(0, limit);
  }

  /** The oldest pending rows of one notifier, in order, without what only a send reads (title, body…). */
  heads(notifier: string, limit: number): OutboxHead[] {
    return this.held.updates.view(this.db.heads(notifier, limit + this.held.updates.size)).slice(0, limit);
  }

  /** The pending rows with these seqs, whole, in the order given. */
  rows(seqs: readonly number[]): OutboxRow[] {
    return this.held.updates.view(this.db.rows(seqs));
  }

  /** Per notifier: depth, oldest waiting time and dead rows (for /metrics). */
  waiting(): Map<string, OutboxWaiting> {
    return this.db.waiting();
  }

  /** Pending rows per notifier. */
  pending(): Map<string, number> {
    return this.held.updates.adjust(this.db.pending());
  }

  /** Pending rows of one notifier that entered the outbox at or before `before`, in order. */
  enqueuedBefore(notifier: string, before: number): OutboxRow[] {
    return this.held.updates.view(this.db.enqueuedBefore(notifier, before));
  }

  /** Delivered: the rows go. */
  remove(rows: readonly OutboxRow[]): void {
    this.update(
      rows,
      () => this.db.remove(rows.map((r) => r.seq)),
      (r) => ({ kind: 'remove', notifier: r.notifier }),
    );
  }

  /** A failure that a retry can help: count it and hold the rows until `nextAttemptAt`. */
  retryLater(rows: readonly OutboxRow[], nextAttemptAt: number, error: string): void {
    this.update(
      rows,
      () =>
        this.db.retryLater(
          rows.map((r) => r.seq),
          nextAttemptAt,
          error,
        ),
      (r, held) => ({
        kind: 'retry',
        notifier: r.notifier,
        next: nextAttemptAt,
        error,
        bump: (held?.kind === 'retry' ? held.bump : 0) + 1,
      }),
    );
  }

  /** Given up: the rows move to `dead` with the reason. */
  bury(rows: readonly OutboxRow[], error: string, now: number): void {
    this.update(
      rows,
      () =>
        this.db.bury(
          rows.map((r) => r.seq),
          error,
          now,
        ),
      (r) => ({ kind: 'bury', notifier: r.notifier, error, at: now }),
    );
  }

  /**
   * Copies rows to another notifier (a fallback) and removes or buries the originals, in one transaction.
   * Returns, per row, whether the copy is in the outbox now (false: it was there already, or it waits in memory).
   */
  reroute(rows: readonly OutboxRow[], copies: readonly NewRows[], original: { bury: string } | 'remove', now: number): boolean[] {
    if (!this.outage.failing) {
      try {
        return this.wrote(
          this.db.transaction(() => {
            const seqs = rows.map((r) => r.seq);
            if (original === 'remove') this.db.remove(seqs);
            else this.db.bury(seqs, original.bury, now);
            return this.db.add(copies, now).map((names) => names.length > 0);
          }),
        );
      } catch (e) {
        this.failed(e);
      }
    }
    if (original === 'remove') this.remove(rows);
    else this.bury(rows, original.bury, now);
    this.held.hold(copies, now);
    return copies.map(() => false);
  }

  /** delivery.max_queue's fold (see OutboxDb.fold); nothing when the disk refuses writes. */
  fold(notifier: string, target: number, afterSeq: number, reason: string): FoldResult[] {
    if (this.outage.failing || this.held.updates.size > 0) return [];
    try {
      return this.wrote(this.db.fold(notifier, target, afterSeq, reason));
    } catch (e) {
      this.failed(e);
      return [];
    }
  }

  /** Dead rows, newest first; with `seq`, that one only. */
  dead(limit?: number, seq?: number): OutboxRow[] {
    return this.db.dead(limit, seq);
  }

  dataVersion(): number {
    return this.db.dataVersion();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  health(): StoreHealth {
    return this.outage.health();
  }

  /** What waits in memory for the disk, and what was lost this run because the memory buffer was full too. */
  get inMemory(): Pick<OutageBuffer, 'buffered' | 'lostAlerts' | 'lostByNotifier'> {
    return this.held;
  }

  close(): void {
    this.closed = true;
    this.outage.close();
    if (this.outage.failing) this.writeHeld();
    if (this.held.buffered > 0 || this.held.updates.size > 0) {
      this.log.error(
        { file: this.db.file, alerts: this.held.buffered, updates: this.held.updates.size },
        'outbox closed while the disk still refused writes: alerts held in memory are lost, and alerts sent meanwhile may be sent again at the next start',
      );
    }
    this.periodicSync?.close();
    this.db.close();
  }

  private update(rows: readonly OutboxRow[], write: () => void, held: (row: OutboxRow, before?: HeldUpdate) => HeldUpdate): void {
    if (!this.outage.failing) {
      try {
        this.wrote(write());
        return;
      } catch (e) {
        this.failed(e);
      }
    }
    this.held.updates.hold(rows, held);
  }

  /** A commit just returned: with a sync interval, it is durable once the timer's sync has run. */
  private wrote<T>(result: T): T {
    if (!this.closed) this.periodicSync?.wrote();
    return result;
  }

  private failed(e: unknown): void {
    this.outage.failed(e, { memoryBuffer: this.memoryBuffer });
  }

  /** What the outage buffer holds, written once the disk takes it; the notifiers that got rows are told. */
  private writeHeld(): void {
    const landed: string[] = [];
    // Whatever part of the held writes lands below is synced like any other commit.
    this.wrote(undefined);
    try {
      this.db.shrinkWal();
    } catch {
      // Best effort: the writes below say whether the disk takes them.
    }
    try {
      this.held.write(this.db, this.commands, this.clock.now(), landed);
    } catch (e) {
      this.failed(e);
      if (landed.length > 0) this.onStored?.(landed);
      return;
    }
    this.outage.succeeded({ stored: landed.length });
    if (landed.length > 0) this.onStored?.(landed);
  }
}
