// A non-root sudoer for the real-sudo tests: the user relaytest (made when missing), a password only this run
// knows, and a sudoers drop-in with the rules a test gives; dispose() removes the drop-in and locks the
// password again. Tests that use it hold the sudo.conf lock (sudo-conf-guard.ts), so no two runs share it.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_USER = 'relaytest';

export function ensureTestUser(): void {
  try {
    execFileSync('id', [TEST_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', TEST_USER]);
  }
}

export class TestSudoer {
  readonly user = TEST_USER;
  readonly password = randomBytes(12).toString('hex');
  readonly uid: number;
  readonly #dropIn: string;

  /** `rules`: sudoers lines for the user (checked with visudo before they are installed as `dropInName`). */
  constructor(rules: string, dropInName: string) {
    ensureTestUser();
    this.uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
    execFileSync('chpasswd', [], { input: `${TEST_USER}:${this.password}\n` });
    const dir = mkdtempSync(join(tmpdir(), 'relay-sudoers-'));
    try {
      const file = join(dir, 'rules');
      writeFileSync(file, rules);
      execFileSync('visudo', ['-cf', file], { stdio: 'ignore' });
      this.#dropIn = `/etc/sudoers.d/${dropInName}`;
      execFileSync('install', ['-m', '0440', file, this.#dropIn]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  dispose(): void {
    rmSync(this.#dropIn, { force: true });
    execFileSync('usermod', ['--lock', TEST_USER]);
  }
}
