// Alerts neither the disk nor the memory buffer could take during a disk-full outage, counted per
// notifier, and once the disk takes writes again recorded in outbox.db and said to each notifier concerned.
import type { Alert } from '../alert.ts';
import type { Logger } from '../log.ts';
import type { OutboxCommands } from './outbox-commands.ts';
import type { OutboxDb } from './outbox-db.ts';

const LOST_DISK_FULL = 'state_dir full, delivery.memory_buffer full';

interface Lost {
  alerts: number;
  firstAt: number;
  lastAt: number;
}

export class LostAlerts {
  /** Lost this run. */
  total = 0;
  /** Lost this run, per notifier (an alert for two notifiers counts for each). */
  readonly byNotifier = new Map<string, number>();
  private readonly current = new Map<string, Lost>();

  constructor(
    private readonly memoryBuffer: number,
    private readonly log: Logger,
  ) {}

  count(notifiers: readonly string[], now: number): void {
    if (this.current.size === 0) {
      this.log.error(
        { memoryBuffer: this.memoryBuffer },
        'outbox memory buffer full while the disk refuses writes: further alerts are lost (counted, and said when the disk takes writes again)',
      );
    }
    this.total++;
    for (const n of notifiers) {
      this.byNotifier.set(n, (this.byNotifier.get(n) ?? 0) + 1);
      const l = this.current.get(n);
      if (l) {
        l.alerts++;
        l.lastAt = now;
      } else {
        this.current.set(n, { alerts: 1, firstAt: now, lastAt: now });
      }
    }
  }

  /** Records the outage's losses and enqueues a message to each notifier concerned; returns who got one. */
  report(db: OutboxDb, commands: OutboxCommands, now: number): string[] {
    if (this.current.size === 0) return [];
    const landed = db.transaction(() =>
      [...this.current].flatMap(([notifier, l]) => {
        commands.addLoss(notifier, LOST_DISK_FULL, l.alerts, l.firstAt, l.lastAt);
        return db.add([{ alert: this.notice(notifier, l), notifiers: [notifier] }], now)[0]!;
      }),
    );
    this.log.error(
      { lost: Object.fromEntries([...this.current].map(([n, l]) => [n, l.alerts])) },
      'alerts were lost while state_dir was full and the memory buffer too; each notifier concerned gets a message saying how many',
    );
    this.current.clear();
    return landed;
  }

  private notice(notifier: string, l: Lost): Alert {
    return {
      id: `relay-lost:${notifier}:${l.firstAt}`,
      rule: 'relay',
      notify: [notifier],
      key: 'relay-lost',
      createdAt: l.lastAt,
      count: l.alerts,
      type: 'failure',
      title: `${l.alerts} alerts were lost while state_dir was full`,
      body:
        `relay could not store ${l.alerts} alerts for ${notifier} between ${new Date(l.firstAt).toISOString()} and ${new Date(l.lastAt).toISOString()}: ` +
        `the disk holding state_dir was full and the memory buffer (delivery.memory_buffer: ${this.memoryBuffer}) too. Free space in state_dir.`,
    };
  }
}
