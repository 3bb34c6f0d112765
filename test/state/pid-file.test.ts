// state_dir/relay.pid: written 0600 with this process's pid, read back as running; a file whose process is
// gone, or whose pid now belongs to a process started later, is stale; removing leaves another's file alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPidFile, removePidFile, writePidFile } from '../../src/state/pid-file.ts';

describe('pid file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'relay-pid-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => join(dir, 'relay.pid');

  it('is written 0600 and read back as this running process; removed at stop', () => {
    expect(writePidFile(dir)).toEqual({ state: 'missing', file: file() });
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readPidFile(dir)).toEqual({ state: 'running', pid: process.pid, file: file() });
    removePidFile(dir);
    expect(readPidFile(dir).state).toBe('missing');
  });

  it('is stale when its process is gone', () => {
    const { pid } = spawnSync(process.execPath, ['-e', '0']);
    writeFileSync(file(), `${pid}\n`);
    expect(readPidFile(dir)).toEqual({ state: 'stale', pid, file: file() });
    expect(writePidFile(dir)).toEqual({ state: 'stale', pid, file: file() });
    expect(readPidFile(dir).state).toBe('running');
  });

  it.runIf(process.platform === 'linux')('is stale when the pid was reused by a process started at another time', () => {
    writePidFile(dir);
    const [pid, started] = readFileSync(file(), 'utf8').trim().split(' ').map(Number);
    writeFileSync(file(), `${pid} ${started! - 1}\n`);
    expect(readPidFile(dir)).toEqual({ state: 'stale', pid, file: file() });
  });

  it('is left alone at stop when another process wrote it', () => {
    writeFileSync(file(), '1\n');
    removePidFile(dir);
    expect(readFileSync(file(), 'utf8')).toBe('1\n');
  });

  it('is stale when it does not hold a pid', () => {
    writeFileSync(file(), 'garbage\n');
    expect(readPidFile(dir).state).toBe('stale');
  });
});
