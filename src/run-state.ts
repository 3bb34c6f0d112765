// What a running relay keeps in state_dir, opened together at start and closed together at stop: the
// outbox (alerts until a provider took them), the state store (what the pipeline's stages hold), run-time
// silences, and what `relay test-sudo` shows (the last sudo events, the hosts that report them or send
// heartbeats). A start that fails half-way closes what it had opened.
import type { Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import type { RelayEvent } from './event.ts';
import type { Logger } from './log.ts';
import { Outbox } from './outbox/outbox.ts';
import { SqliteStateStore } from './state/sqlite-state-store.ts';
import { SilenceDb } from './state/silence-db.ts';
import { RecentSudoLog } from './state/recent-sudo.ts';
import { SudoHostsTable } from './state/sudo-hosts.ts';
import { SeenSudoEvents } from './state/seen-sudo-events.ts';
import { sudoEventKey } from './sources/sudo/event-schema.ts';
import type { Heartbeat } from './sources/sudo/heartbeat.ts';

export class RunState {
  private constructor(
    readonly outbox: Outbox,
    readonly store: SqliteStateStore,
    readonly silences: SilenceDb,
    private readonly recentSudo: RecentSudoLog,
    /** The hosts on the sudo path, which the silent-host watch reads and marks. */
    readonly sudoHosts: SudoHostsTable,
    private readonly seenSudo: SeenSudoEvents,
  ) {}

  static open(config: Config, clock: Clock, log: Logger): RunState {
    const dir = config.state_dir;
    const opened: { close(): void }[] = [];
    const open = <T extends { close(): void }>(make: () => T): T => {
      const it = make();
      opened.push(it);
      return it;
    };
    try {
      const silences = open(() => SilenceDb.open(dir, log.child({ store: 'silences' })));
      const outbox = open(() =>
        Outbox.open(dir, {
          clock,
          log: log.child({ stage: 'delivery' }),
          memoryBuffer: config.delivery.memory_buffer,
          syncInterval: config.delivery.sync_interval,
        }),
      );
      const store = open(() => SqliteStateStore.open(dir, clock, log.child({ stage: 'state' })));
      const seen = new SeenSudoEvents(store, clock, log.child({ stage: 'sudo-seen' }));
      return new RunState(outbox, store, silences, new RecentSudoLog(store), new SudoHostsTable(store, log), seen);
    } catch (e) {
      for (const it of opened.reverse()) it.close();
      throw e;
    }
  }

  /**
   * A sudo event as `relay test-sudo` (the last ones) and `relay test-sudo --remote` (hosts) show it; false,
   * recording nothing, when the same event (host, call id, sequence number) was handed on before.
   */
  recordSudo(event: RelayEvent): boolean {
    const key = `${event.host ?? ''}\u0000${sudoEventKey({ id: String(event.fields.id), seq: Number(event.fields.seq) })}`;
    if (!this.seenSudo.firstTime(key)) return false;
    this.recentSudo.record(event);
    this.sudoHosts.record(event);
    return true;
  }

  /** A host's heartbeat on the sudo path, for `relay test-sudo --remote` and the silent-host watch. */
  recordHeartbeat(beat: Heartbeat): void {
    this.sudoHosts.heard(beat);
  }

  /** Everything but the outbox, which stays open while alerts in hand get their grace. */
  closeStores(): void {
    // The sudo tables are namespaces of the state store: closing it saves them.
    this.store.close();
    this.silences.close();
  }

  closeOutbox(): void {
    this.outbox.close();
  }
}
