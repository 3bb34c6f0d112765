// `relay test-sudo --remote [HOST]`: from the central relay, which hosts reported sudo events recently and
// which went quiet, from the per-host table the running relay keeps (state_dir/state.db). Exit 0 when
// every listed host (or HOST) reported within --quiet-after, 1 when one is quiet or HOST never reported.
import type { Config } from '../config/schema.ts';
import { readSudoHosts, type SudoHost } from '../state/sudo-hosts.ts';

export interface TestSudoRemoteOptions {
  /** One host to check; undefined lists them all. */
  host?: string;
  quietAfterMs: number;
  now?: Date;
}

export function testSudoRemote(config: Config, opts: TestSudoRemoteOptions, out: NodeJS.WritableStream): number {
  const now = (opts.now ?? new Date()).getTime();
  const table = readSudoHosts(config.state_dir);
  const quiet = (h: SudoHost) => now - Date.parse(h.lastSeen) > opts.quietAfterMs;
  const ago = (h: SudoHost) => `${roughly(now - Date.parse(h.lastSeen))} ago`;
  const row = (h: SudoHost) =>
    `  ${h.host.padEnd(24)} ${(quiet(h) ? 'QUIET' : 'ok').padEnd(6)} last ${h.lastSeen} (${ago(h)}), ${h.events} events, via ${h.listener}${h.peer ? ` ${h.peer}` : ''}`;
  if (table.evicted > 0) {
    out.write(
      `note: the table holds at most ${table.cap} hosts and is full; ${table.evicted} least recently seen host(s) were dropped from it\n`,
    );
  }
  if (opts.host !== undefined) {
    const h = table.hosts.find((x) => x.host === opts.host);
    if (!h) {
      out.write(
        `${opts.host}: no sudo events received from this host${table.evicted > 0 ? ' (or it was dropped from the full table)' : ''}\n`,
      );
      return 1;
    }
    out.write(`${row(h).trimStart()}\n`);
    return quiet(h) ? 1 : 0;
  }
  if (table.hosts.length === 0) {
    out.write('no host has reported sudo events yet\n');
    return 1;
  }
  const hosts = [...table.hosts].sort((a, b) => a.host.localeCompare(b.host));
  const silent = hosts.filter(quiet);
  out.write(`${hosts.length} host(s) reported sudo events; ${silent.length} quiet for more than ${roughly(opts.quietAfterMs)}:\n`);
  out.write(`${hosts.map(row).join('\n')}\n`);
  return silent.length > 0 ? 1 : 0;
}

/** 42s, 7m, 3h, 2d */
function roughly(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
