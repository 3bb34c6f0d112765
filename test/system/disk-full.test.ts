// `relay run` as a process with state_dir on a 16 MB tmpfs that fills up: relay stays up and keeps
// receiving, says so once, and after the filler is removed every accepted alert arrives exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { CLI, TS_NODE_ARGS } from '../helpers/run-cli.ts';
import { describeWithTmpfs, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.ts';

const COUNT = 200;

describeWithTmpfs('relay run with state_dir on a disk that fills', () => {
  let disk: Tmpfs;
  let sink: HttpSink;
  let dir: string;
  let relay: ChildProcess | undefined;
  beforeEach(async () => {
    // Room, once the filler goes, for the WAL that the stored backlog and its removals write before a checkpoint:
    // on 2 MB it outgrew what was left, and a second "cannot write" came after "writable again".
    disk = mountTmpfs(16_384);
    sink = await new HttpSink().start();
    dir = mkdtempSync(join(tmpdir(), 'relay-disk-full-'));
  });
  afterEach(async () => {
    if (relay && relay.exitCode === null) {
      const exited = new Promise((r) => relay!.once('exit', r));
      relay.kill('SIGKILL');
      await exited;
    }
    await sink.stop();
    disk.unmount();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays up, says it once, and delivers every accepted alert exactly once when space returns', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules: [{ name: all, notify: [sink], title: "{{message}}" }]
state_dir: ${join(disk.dir, 'state')}
`,
    );
    relay = spawn(process.execPath, [...TS_NODE_ARGS, CLI, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    relay.stderr!.on('data', (d: Buffer) => (log += d));
    await vi.waitFor(() => expect(log).toContain('"msg":"listening"'), { timeout: 20_000 });
    const line = (n: number) => `<13>1 2026-11-30T10:00:00Z web1 app - - - alert ${n} ${'x'.repeat(300)}\n`;
    await sendTcp(port, line(0));
    await sink.waitFor(1);

    const filler = disk.fill();
    // Separate connections, as separate senders: each is accepted while the disk is full.
    for (let i = 1; i <= COUNT; i += 20) await sendTcp(port, Array.from({ length: 20 }, (_, j) => line(i + j)).join(''));
    await vi.waitFor(() => expect(log).toContain('outbox cannot write: the disk is full'), { timeout: 10_000 });
    expect(relay.exitCode).toBeNull();
    await sendTcp(port, line(COUNT + 1));
    expect(sink.received).toHaveLength(1);

    rmSync(filler);
    await sink.waitFor(COUNT + 2);
    await vi.waitFor(() => expect(log).toContain('outbox writable again'), { timeout: 10_000 });
    const exited = new Promise<number | null>((r) => relay!.once('exit', r));
    relay.kill('SIGTERM');
    expect(await exited).toBe(0);

    const titles = sink.json<{ title: string }>().map((m) => m.title.split(' ').slice(0, 2).join(' '));
    expect(titles.sort()).toEqual(Array.from({ length: COUNT + 2 }, (_, i) => `alert ${i}`).sort());
    expect(log.match(/outbox cannot write/g), log).toHaveLength(1);
    expect(log).not.toContain('alerts were lost');
  }, 60_000);
});
