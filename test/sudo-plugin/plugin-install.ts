// Builds relay_audit.so and registers it through sudo-plugin/install.sh (the way a host installs it),
// so every test run also exercises the guarded installer.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const pluginDir = fileURLToPath(new URL('../../sudo-plugin/', import.meta.url));

/** Installs into `prefix` and (re)writes the relay_audit line of sudo.conf with `options`. */
export function installPlugin(prefix: string, options: Record<string, string | number>): void {
  const words = Object.entries(options).map(([k, v]) => `${k}=${v}`);
  execFileSync(`${pluginDir}install.sh`, words, { env: { ...process.env, PREFIX: prefix }, stdio: 'pipe' });
}

/** Runs uninstall.sh for `prefix`; returns what it printed. */
export function uninstallPlugin(prefix: string): string {
  return execFileSync(`${pluginDir}uninstall.sh`, [], { env: { ...process.env, PREFIX: prefix }, encoding: 'utf8', stdio: 'pipe' });
}

export interface SudoRun {
  status: number | null;
  stderr: string;
  ms: number;
}

/**
 * Runs sudo with `args`, as `asUser` (through runuser) when given, with `env` added to the environment and
 * `input` on its standard input (a password for `sudo -S`); cwd /tmp so events are predictable.
 */
export function runSudo(
  args: readonly string[],
  opts: { asUser?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<SudoRun> {
  const { asUser, env, input } = opts;
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', 'sudo', ...args]] : ['sudo', [...args]];
  const start = process.hrtime.bigint();
  // Asynchronous: a receiver in this process (a line server, an in-process relay) must be able to read
  // while sudo runs, as relay or syslog-ng does on a host; the plugin waits for its lines to be read.
  const child = spawn(cmd as string, argv as string[], {
    cwd: '/tmp',
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin!.end(input);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.resume();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
  });
}
