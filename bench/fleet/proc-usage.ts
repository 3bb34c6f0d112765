// What the fleet bench reads from /proc about a receiver (relay or syslog-ng) and about the machine: CPU
// seconds the process has used (all its threads), its resident set now and at peak, and the kernel's count
// of connections dropped because a listen queue was full.
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux relay runs on. */
const TICKS_PER_S = 100;

/** utime + stime of the whole process (every thread), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

export const rssKb = (pid: number) => statusKb(pid, 'VmRSS');
export const peakRssKb = (pid: number) => statusKb(pid, 'VmHWM');

/**
 * TcpExt ListenOverflows: connections the kernel dropped (all listeners of this network namespace) because an
 * accept queue was full. Its rise over a reconnect storm says whether the listen backlog was the limit.
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]?.split(' ') ?? [];
  const values = lines[i + 1]?.split(' ') ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? Number.NaN);
}
