// state_dir's lock: one holder at a time, the refusal naming the holder's pid from relay.pid; released, it
// can be taken again; a damaged relay.lock is replaced (only its lock counts); an unwritable state_dir says
// so with the code STATE_DIR_ACCESS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.ts';
import { writePidFile } from '../../src/state/pid-file.ts';
import { StateDirLock } from '../../src/state/state-dir-lock.ts';

describe('state_dir lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'relay-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder naming the first one pid; free again once released', () => {
    const first = StateDirLock.acquire(dir);
    expect(() => StateDirLock.acquire(dir)).toThrow(
      expect.objectContaining({
        code: ErrorCodes.STATE_DIR_LOCKED,
        message: `state_dir ${dir} is in use by another relay (its pid is not written yet)`,
      }),
    );
    writePidFile(dir);
    expect(() => StateDirLock.acquire(dir)).toThrow(`state_dir ${dir} is in use by relay pid ${process.pid}`);
    first.release();
    StateDirLock.acquire(dir).release();
  });

  it('creates state_dir when it is missing', () => {
    StateDirLock.acquire(join(dir, 'a', 'b')).release();
  });

  it('replaces a damaged lock file', () => {
    writeFileSync(join(dir, 'relay.lock'), 'not a database, but long enough to be read as a header by SQLite '.repeat(4));
    StateDirLock.acquire(dir).release();
  });

  it.runIf(process.getuid?.() !== 0)('says state_dir cannot be written', () => {
    expect(() => StateDirLock.acquire('/proc/relay-state')).toThrow(expect.objectContaining({ code: ErrorCodes.STATE_DIR_ACCESS }));
  });
});
