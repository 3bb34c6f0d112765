// Which hosts have reported sudo events, and when last: a small per-host table the running relay keeps in
// state_dir/sudo-hosts.json, so `relay test-sudo --remote` (another process) can show which hosts went
// quiet. Bounded: at the cap the least recently seen host makes room and the file says the cap was
// reached. Written through JsonSnapshot, like sudo-recent.json.
import { join } from 'node:path';
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import { JsonSnapshot, readJsonSnapshot } from './json-snapshot.ts';

export interface SudoHost {
  host: string;
  /** When relay last received a sudo event from it (relay's clock). */
  lastSeen: string;
  /** Events received from it since this relay's state began (or since it was last evicted). */
  events: number;
  listener: string;
  /** Who delivered the last one: `ip:port` of the host's syslog-ng, `uid=0`, or `spool`. */
  peer?: string;
}

export interface SudoHostsFile {
  cap: number;
  /** Hosts evicted to stay within the cap; > 0 means the table no longer covers the whole fleet. */
  evicted: number;
  hosts: SudoHost[];
}

export const SUDO_HOSTS_CAP = 5000;
const COALESCE_MS = 1000;

export function sudoHostsPath(stateDir: string): string {
  return join(stateDir, 'sudo-hosts.json');
}

export class SudoHostsTable {
  /** Map order is recency order: a host is re-inserted on every event, so the first is the stalest. */
  private readonly hosts = new Map<string, SudoHost>();
  private evicted = 0;
  private readonly snapshot: JsonSnapshot;

  constructor(
    stateDir: string,
    private readonly log: Logger,
    private readonly cap = SUDO_HOSTS_CAP,
  ) {
    this.snapshot = new JsonSnapshot(
      {
        file: sudoHostsPath(stateDir), coalesceMs: COALESCE_MS, log,
        failed: 'cannot write the sudo host table for relay test-sudo --remote; relay goes on without it',
        healed: 'sudo host table written again',
      },
      (): SudoHostsFile | undefined => (this.hosts.size === 0 ? undefined : { cap: this.cap, evicted: this.evicted, hosts: [...this.hosts.values()] }),
    );
    let previous: SudoHostsFile = { cap, evicted: 0, hosts: [] };
    try {
      previous = readSudoHosts(stateDir);
    } catch (e) {
      // A damaged table costs the history of last-seen times, never relay's start.
      log.warn({ file: sudoHostsPath(stateDir), err: (e as Error).message }, 'sudo host table unreadable; starting it empty');
    }
    this.evicted = previous.evicted;
    for (const h of previous.hosts.slice(-cap)) this.hosts.set(h.host, h);
  }

  record(e: RelayEvent): void {
    const host = e.host ?? (typeof e.fields.host === 'string' ? e.fields.host : undefined);
    if (host === undefined) return;
    const known = this.hosts.get(host);
    this.hosts.delete(host);
    if (!known && this.hosts.size >= this.cap) {
      const stalest = this.hosts.keys().next().value as string;
      this.hosts.delete(stalest);
      if (this.evicted++ === 0) {
        this.log.warn({ cap: this.cap, evicted: stalest }, 'sudo host table full: the least recently seen hosts are dropped from `relay test-sudo --remote`');
      }
    }
    const entry: SudoHost = { host, lastSeen: e.receivedAt.toISOString(), events: (known?.events ?? 0) + 1, listener: e.listener };
    if (e.peer !== undefined) entry.peer = e.peer;
    this.hosts.set(host, entry);
    this.snapshot.schedule();
  }

  flush(): void {
    this.snapshot.flush();
  }
}

/** What the daemon last wrote; an empty table when it has written nothing yet. */
export function readSudoHosts(stateDir: string): SudoHostsFile {
  return readJsonSnapshot<SudoHostsFile>(sudoHostsPath(stateDir), { cap: SUDO_HOSTS_CAP, evicted: 0, hosts: [] });
}
