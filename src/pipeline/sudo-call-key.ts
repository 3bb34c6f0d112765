// What the relay_audit plugin's decision about a sudo call (accept, reject, error) and sudo's own syslog line
// about it (`alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls /root`, parsers/sudo.ts) both
// say, as one string, so the two reports of one call can be told apart from other calls: host, user, runas
// user, whether it ran, the command line, working directory and tty. The command's directory is left out
// (the plugin may carry what the user typed, `ls`, where the line has the resolved `/usr/bin/ls`), and the
// command line is compared on its start only (sudo splits a long line into `(command continued)` parts).
// A field the two sides write differently makes two keys: the call then alerts twice, never not at all.
import type { RelayEvent } from '../event.ts';

/** Characters of the command line compared; sudo's first line of a long command carries at least this many. */
const COMMAND_CHARS = 200;

/** The plugin's decision events; its exit and exec_error follow a decision already made. */
const DECISIONS = new Set(['accept', 'reject', 'error']);

/** The key of the plugin's decision about a call (`fields` as the sudo listener made them). */
export function pluginCallKey(e: RelayEvent): string | undefined {
  const f = e.fields;
  if (typeof f.event !== 'string' || !DECISIONS.has(f.event)) return undefined;
  const args = Array.isArray(f.argv) ? f.argv.slice(1).map(String) : [];
  const command = [basename(str(f.command)), ...args].join(' ');
  return key(e, f.event, command);
}

/** The key of sudo's own line about a call, verified or not (`fields.sudo_event` then keeps its event). */
export function lineCallKey(e: RelayEvent): string | undefined {
  const f = e.fields;
  const event = f.event === 'unverified_sudo_line' ? f.sudo_event : f.event;
  if (e.kind !== 'syslog' || e.app !== 'sudo' || typeof event !== 'string' || !DECISIONS.has(event)) return undefined;
  const line = str(f.command);
  const space = line.indexOf(' ');
  const command = space < 0 ? basename(line) : `${basename(line.slice(0, space))}${line.slice(space)}`;
  return key(e, event, command);
}

/** The host, short and lower-case: the plugin gives sudo's host name (maybe qualified), a syslog header the short one. */
export function callHost(e: RelayEvent): string {
  return (e.host ?? str(e.fields.host)).toLowerCase().split('.')[0]!;
}

function key(e: RelayEvent, event: string, command: string): string {
  const f = e.fields;
  const tty = str(f.tty).replace(/^\/dev\//, '');
  return JSON.stringify([
    callHost(e),
    str(f.user),
    str(f.runas_user) || 'root',
    event === 'accept' ? 'ran' : 'refused',
    command.slice(0, COMMAND_CHARS),
    str(f.cwd),
    tty === 'unknown' ? '' : tty,
  ]);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
