// A private syslog-ng for system tests: its own config, control socket, persist file and pid file in a
// temp dir; started in the foreground and stopped by the test.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { freePort } from './net.ts';

const run = promisify(execFile);

export class SyslogNg {
  readonly dir = mkdtempSync(join(tmpdir(), 'relay-sng-'));
  private child: ChildProcess | undefined;
  private output = '';

  constructor(private readonly config: string) {}

  get ctl(): string {
    return join(this.dir, 'syslog-ng.ctl');
  }

  async start(): Promise<void> {
    const conf = join(this.dir, 'syslog-ng.conf');
    writeFileSync(conf, this.config.replaceAll('@DIR@', this.dir));
    this.child = spawn(
      'syslog-ng',
      ['-F', '-e', '--no-caps', '-f', conf, '-R', join(this.dir, 'persist'), '-c', this.ctl, '-p', join(this.dir, 'pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d));
    const exited = new Promise<never>((_, reject) =>
      this.child!.once('exit', (code) => reject(new Error(`syslog-ng exited (${code}):\n${this.output}`))),
    );
    // Ready once the control socket answers.
    await Promise.race([exited, this.waitReady()]);
  }

  private async waitReady(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      try {
        await run('syslog-ng-ctl', ['stats', '-c', this.ctl]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`syslog-ng did not come up:\n${this.output}`);
  }

  /**
   * Stops syslog-ng but keeps its dir (persist file, disk buffer), so start() resumes where it was; SIGKILL
   * stops it as a crash would, without saving anything.
   */
  async halt(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const gone = new Promise((r) => this.child!.once('exit', r));
      this.child.kill(signal);
      await gone;
    }
  }

  /** SIGSTOP: syslog-ng hangs, its sockets still accept into their backlogs, nothing is read. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Run loggen to completion; resolves with its summary line. */
export async function loggen(args: string[]): Promise<string> {
  const { stderr, stdout } = await run('loggen', args);
  return `${stdout}${stderr}`;
}

/**
 * A SyslogNg that takes RFC 5424 over TCP on a free loopback port and forwards it with `snippet` (one of the
 * shipped syslog-ng/relay*.conf, its paths and ports rewritten by the test).
 */
export async function forwardingSyslogNg(snippet: string): Promise<{ sng: SyslogNg; port: number }> {
  const port = await freePort();
  const sng = new SyslogNg(`@version: 3.38
options { stats-level(1); keep-hostname(yes); };
source s_src { syslog(ip("127.0.0.1") port(${port}) transport("tcp")); };
${snippet}
`);
  await sng.start();
  return { sng, port };
}

/** loggen's arguments for n RFC 5424 messages over TCP to a syslog-ng that forwards them. */
export function loggenThrough(port: number, n: number): string[] {
  return ['-S', '-P', '-n', String(n), '-I', '100000', '-r', '5000', '-s', '160', '127.0.0.1', String(port)];
}

/** Alerts for loggen's even sequence numbers (the rule matches those), each exactly once, and nothing else. */
export function expectEvenSeqs(bodies: string[], n: number): void {
  const seqs = bodies.map((b) => Number(/seq: (\d+)/.exec(b)?.[1]));
  expect(seqs.length).toBe(n / 2);
  expect(new Set(seqs)).toEqual(new Set(Array.from({ length: n / 2 }, (_, i) => i * 2)));
}
