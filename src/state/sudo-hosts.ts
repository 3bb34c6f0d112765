// Which hosts have reported sudo events, and when last: a small per-host table the running relay keeps in
// the state store (namespace `sudo-hosts`, one entry per host), so `relay test-sudo --remote` (another
// process) can show which hosts went quiet. Bounded: at the cap the least recently seen host makes room and
// the table says the cap was reached (namespace `sudo-hosts-table`: its cap and how many hosts it dropped).
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import { readStateNamespace } from './sqlite-state-store.ts';
import type { StateNamespace, StateStore } from './state-store.ts';

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
  /** Least recently seen first. */
  hosts: SudoHost[];
}

export const SUDO_HOSTS_CAP = 5000;
const HOSTS = 'sudo-hosts';
const TABLE = 'sudo-hosts-table';

export class SudoHostsTable {
  /** Map order is recency order: a host is re-inserted on every event, so the first is the stalest. */
  private readonly hosts = new Map<string, SudoHost>();
  private evicted = 0;
  private readonly saved: StateNamespace;
  private readonly table: StateNamespace;

  constructor(
    store: StateStore,
    private readonly log: Logger,
    private readonly cap = SUDO_HOSTS_CAP,
  ) {
    this.saved = store.namespace(HOSTS, (host) => this.hosts.get(host));
    this.table = store.namespace(TABLE, (key) => (key === 'cap' ? this.cap : key === 'evicted' ? this.evicted : undefined));
    const previous = byRecency(this.saved.load().values());
    this.evicted = Number(this.table.load().get('evicted') ?? 0);
    for (const h of previous.slice(-cap)) this.hosts.set(h.host, h);
    for (const h of previous.slice(0, -cap)) this.saved.changed(h.host);
    this.table.changed('cap');
  }

  record(e: RelayEvent): void {
    const host = e.host ?? (typeof e.fields.host === 'string' ? e.fields.host : undefined);
    if (host === undefined) return;
    const known = this.hosts.get(host);
    this.hosts.delete(host);
    if (!known && this.hosts.size >= this.cap) {
      const stalest = this.hosts.keys().next().value as string;
      this.hosts.delete(stalest);
      this.saved.changed(stalest);
      this.table.changed('evicted');
      if (this.evicted++ === 0) {
        this.log.warn(
          { cap: this.cap, evicted: stalest },
          'sudo host table full: the least recently seen hosts are dropped from `relay test-sudo --remote`',
        );
      }
    }
    const entry: SudoHost = { host, lastSeen: e.receivedAt.toISOString(), events: (known?.events ?? 0) + 1, listener: e.listener };
    if (e.peer !== undefined) entry.peer = e.peer;
    this.hosts.set(host, entry);
    this.saved.changed(host);
  }
}

/** What the running relay last wrote; an empty table when it has written nothing yet. */
export function readSudoHosts(stateDir: string): SudoHostsFile {
  const table = readStateNamespace(stateDir, TABLE);
  return {
    cap: Number(table.get('cap') ?? SUDO_HOSTS_CAP),
    evicted: Number(table.get('evicted') ?? 0),
    hosts: byRecency(readStateNamespace(stateDir, HOSTS).values()),
  };
}

function byRecency(hosts: Iterable<unknown>): SudoHost[] {
  return ([...hosts] as SudoHost[]).sort((a, b) => (a.lastSeen < b.lastSeen ? -1 : a.lastSeen > b.lastSeen ? 1 : 0));
}
