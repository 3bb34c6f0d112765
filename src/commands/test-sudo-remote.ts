// `relay test-sudo --remote [HOST]`: from the central relay, which hosts on the sudo path are heard and which
// are not, from the per-host table the running relay keeps (state_dir/state.db). A host whose syslog-ng
// sends heartbeats (syslog-ng/sudo-forward.conf) is ok while they come and STOPPED once it missed more than
// MISSED_HEARTBEATS of them; a host without heartbeats can only be QUIET (no sudo event for --quiet-after),
// since nobody running sudo and a dead syslog-ng look the same from here. Exit 0 when every listed host (or
// HOST) is ok, 1 when one is STOPPED or QUIET or HOST was never heard.
import type { Config } from '../config/schema.ts';
import { MISSED_HEARTBEATS, readSudoHosts, silentAfterMs, type SudoHost } from '../state/sudo-hosts.ts';

export interface TestSudoRemoteOptions {
  /** One host to check; undefined lists them all. */
  host?: string;
  quietAfterMs: number;
  now?: Date;
}

type Status = 'ok' | 'STOPPED' | 'QUIET';

export function testSudoRemote(config: Config, opts: TestSudoRemoteOptions, out: NodeJS.WritableStream): number {
  const now = (opts.now ?? new Date()).getTime();
  const table = readSudoHosts(config.state_dir);
  const ago = (at: string) => `${roughly(now - Date.parse(at))} ago`;
  const status = (h: SudoHost): Status => {
    const allowed = silentAfterMs(h);
    if (allowed !== undefined) return now - Date.parse(h.lastHeard) > allowed ? 'STOPPED' : 'ok';
    return now - Date.parse(h.lastSeen ?? h.lastHeard) > opts.quietAfterMs ? 'QUIET' : 'ok';
  };
  const row = (h: SudoHost) => {
    const sudo = h.lastSeen === undefined ? 'none' : `${h.lastSeen} (${ago(h.lastSeen)})`;
    const beat = h.heartbeatEvery === undefined ? 'no heartbeat' : `heartbeat every ${h.heartbeatEvery}s, last heard ${ago(h.lastHeard)}`;
    return `  ${h.host.padEnd(24)} ${status(h).padEnd(7)} last sudo event ${sudo}, ${h.events} events, ${beat}, via ${h.listener}${h.peer ? ` ${h.peer}` : ''}`;
  };
  const legend: Record<Exclude<Status, 'ok'>, string> = {
    STOPPED: `STOPPED: its heartbeats stopped (none for more than ${MISSED_HEARTBEATS} of its intervals): its syslog-ng is down or was reconfigured, or lost its route or certificate to relay; relay alerts it as host_silent`,
    QUIET: `QUIET: no sudo event for more than ${roughly(opts.quietAfterMs)} and no heartbeat, so relay cannot tell an idle host from one that stopped forwarding (turn on the heartbeat: syslog-ng/sudo-forward.conf)`,
  };
  const explain = (statuses: Status[]) => {
    for (const s of ['STOPPED', 'QUIET'] as const) if (statuses.includes(s)) out.write(`${legend[s]}\n`);
  };
  if (table.evicted > 0) {
    out.write(
      `note: the table holds at most ${table.cap} hosts and is full; ${table.evicted} least recently heard host(s) were dropped from it\n`,
    );
  }
  if (opts.host !== undefined) {
    const h = table.hosts.find((x) => x.host === opts.host);
    if (!h) {
      out.write(
        `${opts.host}: no sudo events or heartbeats received from this host${table.evicted > 0 ? ' (or it was dropped from the full table)' : ''}\n`,
      );
      return 1;
    }
    out.write(`${row(h).trimStart()}\n`);
    explain([status(h)]);
    return status(h) === 'ok' ? 0 : 1;
  }
  if (table.hosts.length === 0) {
    out.write('no host has sent sudo events or heartbeats yet\n');
    return 1;
  }
  const hosts = [...table.hosts].sort((a, b) => a.host.localeCompare(b.host));
  const statuses = hosts.map(status);
  const counted = (s: Status) => statuses.filter((x) => x === s).length;
  out.write(`${hosts.length} host(s) on the sudo path: ${counted('ok')} ok, ${counted('STOPPED')} STOPPED, ${counted('QUIET')} QUIET\n`);
  out.write(`${hosts.map(row).join('\n')}\n`);
  explain(statuses);
  return statuses.every((s) => s === 'ok') ? 0 : 1;
}

/** 42s, 7m, 3h, 2d */
function roughly(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
