// What the outbox keeps in memory while state_dir's disk refuses its writes: new alerts up to
// delivery.memory_buffer (past it they are lost and counted: lost-alerts.ts) and row updates (sent, retry
// later, dead: held-updates.ts, applied to what the outbox reads); once the disk takes writes again, all of
// it written in order, then a message to each notifier that lost alerts.
import type { Logger } from '../log.ts';
import { HeldUpdates } from './held-updates.ts';
import { LostAlerts } from './lost-alerts.ts';
import type { OutboxCommands } from './outbox-commands.ts';
import type { OutboxDb } from './outbox-db.ts';
import type { NewRows } from './outbox-row.ts';

export class OutageBuffer {
  readonly updates = new HeldUpdates();
  private readonly adds: { batch: NewRows[]; now: number }[] = [];
  private alerts = 0;
  private readonly lost: LostAlerts;

  constructor(
    private readonly memoryBuffer: number,
    log: Logger,
  ) {
    this.lost = new LostAlerts(memoryBuffer, log);
  }

  /** Alerts waiting in memory for the disk. */
  get buffered(): number {
    return this.alerts;
  }

  /** Alerts lost this run because the memory buffer was full too. */
  get lostAlerts(): number {
    return this.lost.total;
  }

  /** The same, per notifier. */
  get lostByNotifier(): ReadonlyMap<string, number> {
    return this.lost.byNotifier;
  }

  /** New alerts the disk refused: kept while the buffer has room, counted as lost after. */
  hold(batch: readonly NewRows[], now: number): void {
    const kept: NewRows[] = [];
    for (const entry of batch) {
      if (this.alerts < this.memoryBuffer) {
        kept.push(entry);
        this.alerts++;
        continue;
      }
      this.lost.count(entry.notifiers, now);
    }
    if (kept.length > 0) this.adds.push({ batch: kept, now });
  }

  /**
   * Held updates, then held alerts in order, then the losses and a message per notifier that lost alerts.
   * Pushes to `landed` the notifier of each row written; throws (keeping the rest) when the disk still refuses.
   */
  write(db: OutboxDb, commands: OutboxCommands, now: number, landed: string[]): void {
    this.updates.write(db);
    while (this.adds.length > 0) {
      const { batch, now: at } = this.adds[0]!;
      for (const names of db.add(batch, at)) landed.push(...names);
      this.adds.shift();
      this.alerts -= batch.length;
    }
    landed.push(...this.lost.report(db, commands, now));
  }
}
