// `relay run` as a real process for tests that stop it the hard way: node itself runs the CLI with tsx's
// loader (the tsx CLI would run relay in a grandchild that SIGKILL misses), its JSON log is collected,
// and tests wait on log lines and on the exit, never on sleeps.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CLI, ROOT } from './run-cli.ts';

/** Bundles relay into dist/ as `npm run build` does (without its type check), for tests that measure the relay users install. */
export function buildDist(): void {
  execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdio: 'inherit' });
}

export class RelayProcess {
  log = '';
  readonly exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.log += d));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  /**
   * Starts relay on `config` and resolves once it logged `listening` `listeners` times. `built`: the
   * compiled relay (bin/relay.js on dist/, see buildDist) instead of the source through tsx's loader, whose
   * own thread and isolate add tens of MB to what a memory test would measure. `uid`/`gid`: run it as that
   * user (the test must run as root).
   */
  static async start(
    config: string,
    listeners = 1,
    env: NodeJS.ProcessEnv = {},
    opts: { built?: boolean; uid?: number; gid?: number } = {},
  ): Promise<RelayProcess> {
    const entry = opts.built ? [join(ROOT, 'bin/relay.js')] : ['--import', 'tsx', CLI];
    const child = spawn(process.execPath, [...entry, 'run', '--config', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
      uid: opts.uid,
      gid: opts.gid,
    });
    const relay = new RelayProcess(child);
    await relay.waitForLog((log) => (log.match(/"msg":"listening"/g) ?? []).length >= listeners);
    return relay;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves when `done(log)` holds; rejects when relay exits first. */
  waitForLog(done: (log: string) => boolean): Promise<void> {
    if (done(this.log)) return Promise.resolve();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.reject(new Error(`relay has exited:\n${this.log}`));
    return new Promise((resolve, reject) => {
      const onData = () => {
        if (!done(this.log)) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`relay exited (${code}) before the awaited log line:\n${this.log}`));
      };
      const cleanup = () => {
        this.child.stderr!.off('data', onData);
        this.child.off('exit', onExit);
      };
      this.child.stderr!.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}
