// The fleet simulator (simulator.ts) as the bench drives it: a Node child given its settings in a file,
// whose reports (every 250 ms) are kept as they come; a new epoch when the receiver restarts; stopped at the
// end. Every host's session is a file descriptor in the simulator and another in the receiver, so the
// descriptor limit is raised first, for this process and the children it starts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface SimulatorConfig {
  port: number;
  hosts: number;
  ca: string;
  /** The pool of client certificates; host i uses the (i mod length)th. */
  clients: { cert: string; key: string }[];
  /** Each host writes one message per interval. */
  intervalMs: number;
  /** syslog-ng's time-reopen: a host whose session ended tries again after a time drawn from this range. */
  reopenMs: [number, number];
  /** The hosts first connect spread over this long. */
  rampMs: number;
}

export interface SimulatorReport {
  /** Date.now() when the report was made. */
  at: number;
  /** The epoch in force (the last the parent set). */
  epoch: number;
  /** Hosts holding a session now. */
  secure: number;
  /** Hosts holding a session opened in the current epoch. */
  current: number;
  /** When every host first held a session of the current epoch (Date.now()). */
  allCurrentAt?: number;
  written: number;
  /** Messages generated while their host had no session, waiting for the next. */
  pending: number;
  /** Messages past a host's buffer. */
  dropped: number;
  sessions: number;
  /** Sessions that ended after their handshake. */
  ended: number;
  /** Connections refused, or ended before their handshake completed. */
  failedAttempts: number;
  cpuS: number;
  rssKb: number;
}

export type SimulatorCommand = { epoch: number } | { stop: true };

export const hostName = (i: number) => `host-${String(i).padStart(5, '0')}`;

/** Raises this process's open-file limit (soft and hard) to `needed` when it is lower; children inherit it. */
export function raiseFdLimit(needed: number): void {
  const limits = () =>
    /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))!.slice(1).map(Number) as [number, number];
  const [soft, hard] = limits();
  if (soft >= needed) return;
  const to = Math.max(needed, hard);
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${to}:${to}`], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the fleet needs ${needed} open files per process (ulimit -n is ${soft}) and prlimit could not raise it: ${err}`);
  }
  if (limits()[0] < needed) throw new Error(`the open-file limit stayed below the ${needed} the fleet needs`);
}

export class Simulator {
  last: SimulatorReport | undefined;
  readonly #waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (r: SimulatorReport) => {
      this.last = r;
      for (const w of this.#waiters) w();
    });
  }

  static start(config: SimulatorConfig, dir: string): Simulator {
    const file = join(dir, 'simulator.json');
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/fleet/simulator.ts'), file], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Simulator(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  epoch(n: number): void {
    this.child.send({ epoch: n } satisfies SimulatorCommand);
  }

  /** The first report for which `done` holds, or undefined after `ms`. */
  waitFor(done: (r: SimulatorReport) => boolean, ms: number): Promise<SimulatorReport | undefined> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.last && done(this.last)) finish(this.last);
        else if (this.child.exitCode !== null) finish(undefined, new Error(`the simulator exited (${this.child.exitCode})`));
      };
      const timer = setTimeout(() => finish(undefined), ms);
      const finish = (r: SimulatorReport | undefined, err?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (err) reject(err);
        else resolve(r);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Ends every session and the process; resolves with its last report. */
  async stop(): Promise<SimulatorReport | undefined> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ stop: true } satisfies SimulatorCommand);
    await exited;
    return this.last;
  }
}
