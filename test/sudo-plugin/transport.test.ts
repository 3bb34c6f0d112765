// The plugin's transport as it runs inside sudo (real uid the caller's, effective uid root), against a
// receiver like syslog-ng's unix-stream() source: the receiver sees the effective uid, not the caller's, so
// a fleet relay's allow_uids: [0] takes every user's sudo calls; and a receiver that takes the connection
// but never reads (a stopped syslog-ng) costs at most timeout_ms, after which the line is in the spool.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.ts';
import { pluginDir } from './plugin-install.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NOBODY = 65534;

describeWithTools(['cc', 'python3'], 'relay_audit transport', () => {
  let dir: string;
  let harness: string;
  let receiver: ChildProcess | undefined;
  let lines: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-transport-'));
    harness = join(dir, 'harness');
    const sources = ['transport.c', 'lost_count.c', 'sys_compat.c'].map((f) => join(pluginDir, f));
    execFileSync('cc', [
      '-std=gnu11',
      '-Wall',
      '-Werror',
      `-I${pluginDir}`,
      '-o',
      harness,
      join(FIXTURES, 'transport-harness.c'),
      ...sources,
    ]);
  });
  afterEach(() => {
    receiver?.kill();
    receiver = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the receiver and resolves once it listens; its later lines land in `lines`. */
  const listen = (socket: string, mode: 'read' | 'stall') =>
    new Promise<void>((resolve, reject) => {
      lines = [];
      receiver = spawn('python3', [join(FIXTURES, 'creds-receiver.py'), socket, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
      receiver.on('error', reject);
      createInterface({ input: receiver.stdout! }).on('line', (l) => (l === 'ready' ? resolve() : lines.push(l)));
    });
  const send = (socket: string, spool: string, timeoutMs: number) =>
    spawn(harness, [socket, String(NOBODY), spool, String(timeoutMs)], { stdio: 'ignore' });
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  it("attaches its effective uid: the receiver reads 0, not the calling user's uid", async () => {
    const socket = join(dir, 'creds.sock');
    await listen(socket, 'read');
    expect(await exited(send(socket, join(dir, 'unused.jsonl'), 2000))).toBe(0);
    await new Promise<void>((r) => receiver!.on('exit', () => r()));
    expect(lines).toEqual(['uid=0 line={"v":1,"id":"harness-1"}']);
    expect(existsSync(join(dir, 'unused.jsonl'))).toBe(false);
  });

  it('spools a line a receiver took into its backlog but did not read within timeout_ms', async () => {
    const socket = join(dir, 'stalled.sock');
    const spool = join(dir, 'spool', 'sudo.jsonl');
    await listen(socket, 'stall');
    expect(await exited(send(socket, spool, 100))).toBe(0);
    expect(readFileSync(spool, 'utf8')).toBe('{"v":1,"id":"harness-1"}\n');
  });
});
