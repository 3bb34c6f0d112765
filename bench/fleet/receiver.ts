// What the fleet run needs of a TLS receiver (relay-receiver.ts, syslog-ng-receiver.ts): start it and know
// when it listens, stop it as a service manager would (SIGTERM, then wait for the exit), its pid for /proc,
// and the tally of what it has passed on per host.
import type { ChildProcess } from 'node:child_process';
import type { HostTally } from './host-tally.ts';

export interface Receiver {
  readonly name: string;
  readonly port: number;
  readonly tally: HostTally;
  /** The running process (valid between start() and stop()). */
  readonly pid: number;
  /** Starts the process; resolves once it listens. */
  start(): Promise<void>;
  /** SIGTERM; resolves once the process has exited. */
  stop(): Promise<void>;
  /** The receiver's own counts of refused and failed connections, where it keeps them. */
  counters(): Promise<Record<string, number>>;
  /** The end of what the process wrote to stderr, for a run that fails. */
  log(): string;
  /** Ends what the receiver needs besides its process (the sink, the file reader). */
  close(): Promise<void>;
}

/** SIGTERM to a receiver's process, resolved once it has exited (at once when it already has). */
export async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
