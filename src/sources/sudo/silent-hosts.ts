// relay's dead-man's switch for the fleet: a host whose syslog-ng sends heartbeats on the sudo path
// (heartbeat.ts) and has not been heard for more than MISSED_HEARTBEATS of its intervals (sudo-hosts.ts)
// has stopped forwarding (syslog-ng down or reconfigured, route or certificate lost), which no sudo alert
// would ever show. relay then says so itself, as one event of kind `relay` with `fields.event: host_silent`, and once
// the host is heard again `host_back`: one of each per silence, not one per check, also across restarts
// (when it was said is kept in the host table, src/state/sudo-hosts.ts). These events enter like any
// listener's, so the rules route them (config.yaml: sudo-host-silent, sudo-host-back).
import type { Clock, Timer } from '../../clock.ts';
import type { ListenerConfig } from '../../config/schema.ts';
import type { RelayEvent } from '../../event.ts';
import type { Logger } from '../../log.ts';
import { silentAfterMs, type SudoHost, type SudoHostsTable } from '../../state/sudo-hosts.ts';

/** How often the table is checked: cheap (5000 hosts at most), and a silence is said within this of its deadline. */
export const CHECK_EVERY_MS = 5000;

export class SilentHosts {
  private timer: Timer | undefined;
  /** A relay that was down heard nobody: each host gets its full allowance from relay's own start. */
  private startedAt = 0;

  constructor(
    private readonly table: SudoHostsTable,
    private readonly clock: Clock,
    private readonly push: (event: RelayEvent) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.startedAt = this.clock.now();
    this.schedule();
  }

  /**
   * Watches while some listener may hear heartbeats (a tcp or tls listener with `sudo:`, the only kind that
   * believes one), at start and after each reload: a relay without a fleet keeps no timer for it.
   */
  follow(listeners: readonly ListenerConfig[]): void {
    const fleet = listeners.some((l) => (l.type === 'tcp' || l.type === 'tls') && l.sudo !== undefined);
    if (fleet && this.timer === undefined) this.start();
    else if (!fleet) this.stop();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One pass over the hosts that send heartbeats: says each that fell silent, and each that is back. */
  check(): void {
    const now = this.clock.now();
    for (const h of this.table.withHeartbeat()) {
      const heard = Date.parse(h.lastHeard);
      if (h.silentSince !== undefined) {
        if (heard > Date.parse(h.silentSince)) this.back(h, now);
        continue;
      }
      const allowed = silentAfterMs(h) as number;
      if (now - Math.max(heard, this.startedAt) > allowed) this.silent(h, now, allowed);
    }
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(CHECK_EVERY_MS, () => {
      this.check();
      this.schedule();
    });
  }

  private silent(h: SudoHost, now: number, allowedMs: number): void {
    this.table.setSilent(h.host, h.lastHeard);
    const quietS = Math.round((now - Date.parse(h.lastHeard)) / 1000);
    this.log.warn(
      { host: h.host, last_heard: h.lastHeard, heartbeat_every_s: h.heartbeatEvery },
      'sudo host silent: its heartbeats stopped',
    );
    this.push(
      this.event(h, now, 4, {
        event: 'host_silent',
        silent_for_s: quietS,
        silent_after_s: allowedMs / 1000,
        message: `${h.host} stopped forwarding on the sudo path: not heard for ${quietS}s, heartbeat expected every ${h.heartbeatEvery}s (syslog-ng down or reconfigured, or its route or certificate to relay lost)`,
      }),
    );
  }

  private back(h: SudoHost, now: number): void {
    const since = h.silentSince as string;
    this.table.setSilent(h.host, undefined);
    const wasS = Math.round((Date.parse(h.lastHeard) - Date.parse(since)) / 1000);
    this.log.info({ host: h.host, silent_since: since }, 'sudo host heard again');
    this.push(
      this.event(h, now, 5, {
        event: 'host_back',
        silent_since: since,
        silent_for_s: wasS,
        message: `${h.host} forwards on the sudo path again: heard at ${h.lastHeard} after ${wasS}s of silence`,
      }),
    );
  }

  private event(h: SudoHost, now: number, severity: number, what: Record<string, unknown> & { message: string }): RelayEvent {
    const { message, ...fields } = what;
    return {
      receivedAt: new Date(now),
      listener: h.listener,
      kind: 'relay',
      app: 'relay',
      host: h.host,
      severity,
      message,
      fields: {
        ...fields,
        host: h.host,
        last_heard: h.lastHeard,
        heartbeat_every_s: h.heartbeatEvery,
        ...(h.lastSeen !== undefined ? { last_sudo_event: h.lastSeen } : {}),
      },
    };
  }
}
