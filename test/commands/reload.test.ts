// SIGHUP to a running relay (a real process): it re-reads the config, says what it found, and keeps
// running and alerting — with an unchanged, an invalid and a changed config.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { CLI, ROOT } from '../helpers/run-cli.ts';

interface LogLine {
  msg: string;
  pid: number;
  [k: string]: unknown;
}

describe('SIGHUP', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-hup-'));
  let child: ChildProcess | undefined;
  beforeAll(() => sink.start());
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never stops relay: same process, still alerting, after an unchanged, an invalid and a changed config', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    const valid = (title: string) => `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules: [{ name: now, match: { app: now }, notify: [sink], title: "${title} {{host}}" }]
state_dir: ./state
`;
    writeFileSync(config, valid('now'));
    // Node with tsx's loader in-process, so the signal goes to relay itself (no wrapper in between).
    child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--config', config], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: LogLine[] = [];
    const waiters: { msg: string; after: number; resolve: (l: LogLine) => void }[] = [];
    let buffered = '';
    child.stderr!.on('data', (d: Buffer) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as LogLine;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => w.msg === line.msg && lines.length > w.after)) w.resolve(line);
      }
    });
    const exited = new Promise<string>((r) => child!.once('exit', (code, signal) => r(`relay exited: code ${code}, signal ${signal}`)));
    /** The next log line with this message, or the reason relay is gone. */
    const next = (msg: string): Promise<LogLine> =>
      Promise.race([
        new Promise<LogLine>((resolve) => waiters.push({ msg, after: lines.length, resolve })),
        exited.then((why) => Promise.reject(new Error(`${why}\n${JSON.stringify(lines)}`))),
      ]);
    const alertsNow = async (n: number) => {
      await sendTcp(port, `<13>1 2026-11-30T10:00:00Z web${n} now - - - hello\n`);
      await sink.waitFor(n);
    };

    const listening = await next('listening');
    expect(listening.pid).toBe(child.pid);
    await alertsNow(1);

    let outcome = next('config unchanged and valid');
    child.kill('SIGHUP');
    await outcome;
    await alertsNow(2);

    writeFileSync(config, `${valid('now')}rules: 3\nbogus: true\n`);
    outcome = next('config refused: relay keeps running with the config it has');
    child.kill('SIGHUP');
    const refused = await outcome;
    expect(refused.problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${config}:\\d+:\\d+: `))]));
    await alertsNow(3);

    writeFileSync(config, valid('changed'));
    outcome = next('config valid but not applied: live reload of changed settings arrives with the state store; restart relay to apply it');
    child.kill('SIGHUP');
    expect((await outcome).changed).toEqual(['rules']);
    await alertsNow(4);

    expect(child.exitCode).toBe(null);
    expect(lines.every((l) => l.pid === child!.pid)).toBe(true);
    expect(sink.json().map((a) => a.title)).toEqual(['now web1', 'now web2', 'now web3', 'now web4']);
  });
});
