// A small tmpfs for tests that need a disk that fills up (state_dir's disk full). Mounting needs root or a
// user namespace: where it is refused the tests skip with the reason, but under CI=true they fail, so a CI
// machine can never pass by skipping.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export interface Tmpfs {
  dir: string;
  /** Writes a file until the disk refuses more; returns its path. */
  fill(): string;
  unmount(): void;
}

export function mountTmpfs(sizeKb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'relay-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    fill() {
      const file = join(dir, 'filler');
      const fd = openSync(file, 'w');
      // Large blocks, then single bytes: the disk is full to the last byte.
      for (const size of [65_536, 1]) {
        try {
          for (;;) writeSync(fd, Buffer.alloc(size));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        }
      }
      closeSync(fd);
      return file;
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
function mountRefused(): string | undefined {
  try {
    mountTmpfs(64).unmount();
    return undefined;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (e as Error).message;
  }
}

/** `describe` whose tests mount a tmpfs. */
export function describeWithTmpfs(name: string, body: () => void): void {
  const refused = mountRefused();
  if (refused === undefined) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('can mount a tmpfs', () => {
        throw new Error(`mounting a tmpfs is refused on this CI machine: ${refused} (run the suite as root)`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: mounting a tmpfs is refused: ${refused})`, body);
  }
}
