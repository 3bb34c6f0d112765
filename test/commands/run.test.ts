// `relay run` as a process: SIGTERM closes the listeners, sends what the pipeline holds and exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { CLI, TSX } from '../helpers/run-cli.ts';


describe('relay run', () => {
  const sink = new HttpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it('on SIGTERM sends the alert a group was still holding, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-run-'));
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: held, match: { app: held }, group_by: [host], group_wait: 1h, notify: [sink], title: "held {{host}}" }
  - { name: now, match: { app: now }, notify: [sink], title: "now {{host}}" }
state_dir: ${join(dir, 'state')}
`);
    const child = spawn(TSX, [CLI, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        log += d;
        if (log.includes('"msg":"listening"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
    });
    await sendTcp(port, '<13>1 2026-11-23T10:00:00Z web1 held - - - first\n<13>1 2026-11-23T10:00:01Z web1 now - - - second\n');
    // Same connection, in order: once the second alert arrived, the first event is held by its group.
    await sink.waitFor(1);
    expect(sink.json().map((a) => a.title)).toEqual(['now web1']);

    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(sink.json().map((a) => a.title)).toEqual(['now web1', 'held web1']);
    expect(log).toContain('"msg":"stopping"');
  });
});
