// state_dir/relay.pid: how `relay reload` finds the running relay to send it SIGHUP, and how a command
// refused by state_dir's lock names its holder. Written by `relay run` as soon as it holds the lock (0600,
// owned by state_dir's owner, like every file relay keeps there), removed when it stops. A file left by a
// relay that was killed is stale: its process is gone (or has exited and waits to be reaped, a zombie), or
// the pid was reused by a later process — told apart by the process's start time (Linux /proc), which the
// file records beside the pid.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { giveToStateDirOwner } from './state-dir-owner.ts';

export const PID_FILE = 'relay.pid';

export type PidLookup =
  | { state: 'running'; pid: number; file: string }
  | { state: 'stale'; pid: number; file: string }
  | { state: 'missing'; file: string };

export function pidFilePath(stateDir: string): string {
  return join(stateDir, PID_FILE);
}

/** Writes this process's pid (replacing the file whole, so a reader never sees half of it); returns what it replaced. */
export function writePidFile(stateDir: string): PidLookup {
  const before = readPidFile(stateDir);
  const file = pidFilePath(stateDir);
  const started = procStat(process.pid)?.started;
  writeFileSync(`${file}.tmp`, `${[process.pid, started].filter((v) => v !== undefined).join(' ')}\n`, { mode: 0o600 });
  giveToStateDirOwner(`${file}.tmp`, stateDir);
  renameSync(`${file}.tmp`, file);
  return before;
}

/** Removes the pid file if it is still this process's (another relay may have taken it over since). */
export function removePidFile(stateDir: string): void {
  const found = readPidFile(stateDir);
  if (found.state !== 'missing' && found.pid === process.pid) rmSync(found.file, { force: true });
}

export function readPidFile(stateDir: string): PidLookup {
  const file = pidFilePath(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing', file };
    throw e;
  }
  const [pid, started] = text.trim().split(' ').map(Number);
  if (!Number.isInteger(pid) || pid! <= 0) return { state: 'stale', pid: 0, file };
  return { state: isRunning(pid!, started) ? 'running' : 'stale', pid: pid!, file };
}

/** The process exists, has not exited, and (where /proc tells) is the one that wrote the file. */
function isRunning(pid: number, started: number | undefined): boolean {
  if (!isAlive(pid)) return false;
  const stat = procStat(pid);
  if (stat === undefined) return true;
  // Z: exited, not yet reaped by its parent; X: being removed. Neither reloads.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return started === undefined || stat.started === started;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, run by another user (relay's own user when the caller is not root).
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The process's state (/proc/PID/stat field 3: R, S, Z…) and when it started (clock ticks after boot, field
 * 22); undefined where there is no /proc.
 */
function procStat(pid: number): { state: string; started: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 is the first.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, started: Number(fields[19]) };
  } catch {
    return undefined;
  }
}
