// Which hosts forward on the sudo path, and when relay last heard from them: a small per-host table the
// running relay keeps in the state store (namespace `sudo-hosts`, one entry per host), so `relay test-sudo
// --remote` (another process) can show which hosts went quiet or stopped, and the silent-host watch
// (src/sources/sudo/silent-hosts.ts) can say so itself. A host is heard through its sudo events and its
// heartbeats (syslog-ng's MARK on the sudo destination, src/sources/sudo/heartbeat.ts), kept apart: a host
// nobody ran sudo on still proves its path alive. Bounded: at the cap the least recently heard host makes
// room and the table says the cap was reached (namespace `sudo-hosts-table`: its cap and how many it dropped).
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import { readStateNamespace } from './sqlite-state-store.ts';
import type { StateNamespace, StateStore } from './state-store.ts';

export interface SudoHost {
  host: string;
  /** When relay last heard from it on the sudo path, a sudo event or a heartbeat (relay's clock). */
  lastHeard: string;
  /** When relay last received a sudo event from it; absent while only heartbeats came. */
  lastSeen?: string;
  /** Sudo events received from it since this relay's state began (or since it was last evicted). */
  events: number;
  /** When its last heartbeat came; absent for a host whose syslog-ng sends none. */
  lastHeartbeat?: string;
  /** The interval its last heartbeat declared, in seconds. */
  heartbeatEvery?: number;
  /** Set when relay said it fell silent (host_silent): when it was last heard before; cleared, with host_back, once it is heard again. */
  silentSince?: string;
  listener: string;
  /** Who delivered the last one: `ip:port` of the host's syslog-ng, `uid=0`, or `spool`. */
  peer?: string;
}

export interface SudoHostsFile {
  cap: number;
  /** Hosts evicted to stay within the cap; > 0 means the table no longer covers the whole fleet. */
  evicted: number;
  /** Least recently heard first. */
  hosts: SudoHost[];
}

export const SUDO_HOSTS_CAP = 5000;

/** A host's heartbeat on the sudo path, as relay believed it (src/sources/sudo/heartbeat.ts reads them). */
export interface Heartbeat {
  host: string;
  /** Seconds between this host's heartbeats, as its syslog-ng declares them (relay_mark_freq). */
  every: number;
  listener: string;
  receivedAt: Date;
  peer?: string;
}

/** Heartbeats a host may miss before it is silent: one lost MARK or a slow reconnect is not silence. */
export const MISSED_HEARTBEATS = 3;

/** How long a host may go unheard before it is silent; undefined for a host that sends no heartbeats. */
export function silentAfterMs(h: Pick<SudoHost, 'heartbeatEvery'>): number | undefined {
  return h.heartbeatEvery === undefined ? undefined : h.heartbeatEvery * 1000 * MISSED_HEARTBEATS;
}
const HOSTS = 'sudo-hosts';
const TABLE = 'sudo-hosts-table';

export class SudoHostsTable {
  /** Map order is recency order: a host is re-inserted whenever it is heard, so the first is the stalest. */
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
    const at = e.receivedAt.toISOString();
    this.update(host, e.listener, e.peer, at, { lastSeen: at, events: (this.hosts.get(host)?.events ?? 0) + 1 });
  }

  heard(beat: Heartbeat): void {
    const at = beat.receivedAt.toISOString();
    this.update(beat.host, beat.listener, beat.peer, at, { lastHeartbeat: at, heartbeatEvery: beat.every });
  }

  /** The hosts whose syslog-ng sends heartbeats: the ones whose silence means something. */
  withHeartbeat(): SudoHost[] {
    return [...this.hosts.values()].filter((h) => h.heartbeatEvery !== undefined);
  }

  /** Records that relay said a host fell silent (since it was last heard), or that it said it is back (undefined). */
  setSilent(host: string, since: string | undefined): void {
    const h = this.hosts.get(host);
    if (!h) return;
    if (since === undefined) delete h.silentSince;
    else h.silentSince = since;
    this.saved.changed(host);
  }

  private update(host: string, listener: string, peer: string | undefined, at: string, news: Partial<SudoHost>): void {
    const known = this.hosts.get(host);
    this.hosts.delete(host);
    if (!known && this.hosts.size >= this.cap) this.evictStalest();
    const entry: SudoHost = { events: 0, ...known, ...news, host, lastHeard: at, listener };
    if (peer === undefined) delete entry.peer;
    else entry.peer = peer;
    this.hosts.set(host, entry);
    this.saved.changed(host);
  }

  private evictStalest(): void {
    const stalest = this.hosts.keys().next().value as string;
    this.hosts.delete(stalest);
    this.saved.changed(stalest);
    this.table.changed('evicted');
    if (this.evicted++ === 0) {
      this.log.warn(
        { cap: this.cap, evicted: stalest },
        'sudo host table full: the least recently heard hosts are dropped from `relay test-sudo --remote` and the silent-host watch',
      );
    }
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

/** Entries written before heartbeats were heard have only `lastSeen`: that is when they were last heard. */
function byRecency(stored: Iterable<unknown>): SudoHost[] {
  const hosts = ([...stored] as (Omit<SudoHost, 'lastHeard'> & { lastHeard?: string })[]).map((h) => ({
    ...h,
    lastHeard: h.lastHeard ?? h.lastSeen ?? '',
  }));
  return hosts.sort((a, b) => (a.lastHeard < b.lastHeard ? -1 : a.lastHeard > b.lastHeard ? 1 : 0));
}
