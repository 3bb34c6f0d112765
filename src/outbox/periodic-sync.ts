// When outbox.db's commits reach the disk with a sync interval (delivery.sync_interval): the first commit
// not yet synced starts a timer, and the timer has the WAL synced off the event loop (outbox-syncer.ts).
// Past a WAL size the sync is followed by a checkpoint, so the WAL can start over. A sync or checkpoint the
// disk refuses is said once and retried; at close, what the timer has not synced yet is synced then.
import type { Clock, Timer } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { OutboxDb } from './outbox-db.ts';
import { OutboxSyncer } from './outbox-syncer.ts';

/**
 * WAL size past which the periodic sync is followed by SQLite's checkpoint (copying the WAL into outbox.db:
 * two disk syncs on the event loop). SQLite's own default mark: twice a second would stall the loop each
 * time; at this size it is every few seconds of steady alerting, never on a quiet relay.
 */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;

export class PeriodicSync {
  private readonly syncer: OutboxSyncer;
  /** Set while commits wait for the sync. */
  private timer: Timer | undefined;
  private syncFailed = false;
  private checkpointFailed = false;
  private closed = false;

  constructor(
    private readonly db: OutboxDb,
    private readonly interval: number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.syncer = new OutboxSyncer(`${db.file}-wal`);
  }

  /** A commit just returned: it is durable once the timer's sync has run. */
  wrote(): void {
    if (!this.timer && !this.closed) this.timer = this.clock.setTimer(this.interval, () => this.sync());
  }

  /** What the timer has not synced yet is synced now, here (a checkpoint): nothing waits on the event loop any more. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.syncer.close();
    try {
      this.db.sync();
    } catch (e) {
      this.log.error({ file: this.db.file, err: e instanceof Error ? e.message : String(e) }, 'outbox cannot sync to disk at close');
    }
  }

  private sync(): void {
    this.timer = undefined;
    const started = performance.now();
    this.syncer.sync().then(
      () => {
        if (this.closed) return;
        if (this.syncFailed) this.log.info({ file: this.db.file }, 'outbox synced to disk again');
        this.syncFailed = false;
        this.log.debug({ file: this.db.file, ms: Math.round((performance.now() - started) * 100) / 100 }, 'outbox synced to disk');
        if (this.syncer.walBytes() > CHECKPOINT_BYTES) this.checkpoint();
      },
      (e: unknown) => {
        if (this.closed) return;
        if (!this.syncFailed) {
          this.log.error(
            { file: this.db.file, err: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code },
            'outbox cannot sync to disk: alerts written since the last sync would not survive a power loss; retried every delivery.sync_interval',
          );
        }
        this.syncFailed = true;
        this.wrote();
      },
    );
  }

  /** The WAL into outbox.db, so it can start over and shrink; what it holds is synced already. */
  private checkpoint(): void {
    try {
      // Part of the WAL was held by a reader in another process: the rest after the next commit's sync.
      this.db.sync();
      if (this.checkpointFailed) this.log.info({ file: this.db.file }, 'outbox checkpointed again');
      this.checkpointFailed = false;
    } catch (e) {
      if (!this.checkpointFailed) {
        this.log.error(
          { file: this.db.file, err: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code },
          'outbox cannot copy its WAL into outbox.db: the WAL keeps growing (its alerts are safe); retried after the next sync',
        );
      }
      this.checkpointFailed = true;
      this.wrote();
    }
  }
}
