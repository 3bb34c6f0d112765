// Reload on a real process: SIGHUP during a flood swaps in a changed rule while the same PID keeps running,
// no event is lost (the pipeline counts every event sent exactly once, read from /metrics), and an open group
// of an unchanged rule delivers once with the events from before and after the reload; an invalid file is
// refused with `relay check`'s problems and the old rules still alert; `relay reload` from another process
// does the same through state_dir/relay.pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { connect, freePort, sendTcp } from '../helpers/net.ts';
import { CLI, ROOT, runCli } from '../helpers/run-cli.ts';
import { sample } from '../http/prometheus-text.ts';

interface LogLine {
  msg: string;
  pid: number;
  [k: string]: unknown;
}

const FLOOD = 20_000;

describe('reload', () => {
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

  it('SIGHUP applies a changed rule during a flood without losing an event or splitting an open digest; refuses an invalid file; relay reload signals it too', async () => {
    const [port, httpPort] = [await freePort(), await freePort()];
    const config = join(dir, 'config.yaml');
    const valid = (title: string) => `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }]
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: now, match: { app: now }, notify: [sink], title: "${title} {{host}}" }
  # Long enough to stay open across the reload on a busy machine; the test waits for it, bounded.
  - { name: grouped, match: { app: grp }, notify: [sink], group_by: [host], group_wait: 15s, title: "{{count}} from {{host}}" }
http: { address: "127.0.0.1:${httpPort}" }
state_dir: ./state
`;
    writeFileSync(config, valid('now'));
    // Node with tsx's loader in-process, so the signal goes to relay itself (no wrapper in between).
    child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--config', config], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
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
    const syslog = (host: string, app: string) => `<13>1 2026-11-30T10:00:00Z ${host} ${app} - - - hello\n`;
    const events = async () => sample(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), 'relay_pipeline_events_total');
    const titles = () => sink.json().map((a) => a.title);

    expect((await next('listening')).pid).toBe(child.pid);
    const pidFile = join(dir, 'state', 'relay.pid');
    await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 10_000 });
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);

    // The flood: one connection, FLOOD unmatched events, with two events of the grouped rule before the reload.
    const flood = await connect({ host: '127.0.0.1', port });
    const write = (text: string) => new Promise<void>((r) => flood.write(text, () => r()));
    await write(syslog('web1', 'grp') + syslog('web1', 'grp'));
    const half = syslog('f', 'flood').repeat(FLOOD / 2);
    await write(half);
    writeFileSync(config, valid('changed'));
    const reloaded = next('config reloaded');
    child.kill('SIGHUP');
    await write(half);
    const line = await reloaded;
    expect(line).toMatchObject({
      pid: child.pid,
      rules: { added: [], removed: [], changed: ['now'] },
      listeners: { kept: ['tcp'], started: [], stopped: [] },
    });
    // After the swap, on the same connection: three more of the open group, and the changed rule.
    await write(syslog('web1', 'grp').repeat(3) + syslog('web2', 'now'));
    flood.end();
    await sink.waitFor(1);
    expect(titles()).toEqual(['changed web2']);
    await vi.waitFor(async () => expect(await events()).toBe(FLOOD + 6), { timeout: 20_000 });
    await sink.waitFor(2);
    expect(titles()).toEqual(['changed web2', '5 from web1 (5 events)']);

    writeFileSync(config, `${valid('changed')}rules: 3\nbogus: true\n`);
    const refused = next('config refused: relay keeps running with the config it has');
    child.kill('SIGHUP');
    expect((await refused).problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${config}:\\d+:\\d+: `))]));
    await sendTcp(port, syslog('web3', 'now'));
    await sink.waitFor(3);
    expect(titles()[2]).toBe('changed web3');

    // `relay reload` from another process: the same reload, through the pid file.
    writeFileSync(config, valid('third'));
    const viaCommand = next('config reloaded');
    const cli = await runCli(['reload', '--config', config]);
    expect(cli).toMatchObject({
      code: 0,
      stdout: `relay: sent SIGHUP to relay (pid ${child.pid}); its log says what the reload changed\n`,
    });
    expect((await viaCommand).rules).toEqual({ added: [], removed: [], changed: ['now'] });
    await sendTcp(port, syslog('web4', 'now'));
    await sink.waitFor(4);
    expect(titles()[3]).toBe('third web4');

    expect(child.exitCode).toBe(null);
    expect(lines.every((l) => l.pid === child!.pid)).toBe(true);
    expect(await events()).toBe(FLOOD + 8);

    // Stopped: the pid file is gone, and `relay reload` says relay is not running.
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
    expect(existsSync(pidFile)).toBe(false);
    const after = await runCli(['reload', '--config', config]);
    expect(after.code).toBe(1);
    expect(after).toMatchObject({ stdout: '', stderr: expect.stringContaining('relay.pid: relay is not running with this state_dir') });
  }, 60_000);
});

describe('relay reload as ExecReload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-reload-'));
  const state = join(dir, 'state');
  const config = join(dir, 'config.yaml');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const writeConfig = (extra = '') => writeFileSync(config, `notifiers: { hook: "json://127.0.0.1:9/x" }\nstate_dir: ${state}\n${extra}`);

  it('exits 1 without signalling on a config with problems, and signals on a valid one', async () => {
    // Stands in for relay: says when it gets SIGHUP.
    const script = "process.on('SIGHUP', () => console.log('HUP')); setInterval(() => {}, 1000); console.log('up')";
    const stand = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(stand);
    let out = '';
    stand.stdout!.on('data', (d: Buffer) => (out += d));
    await vi.waitFor(() => expect(out).toBe('up\n'), { timeout: 10_000 });
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'relay.pid'), `${stand.pid}\n`);

    writeConfig('rules: 3\n');
    const refused = await runCli(['reload', '--config', config]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^${config}:\\d+:\\d+: `, 'm'));

    writeConfig();
    const sent = await runCli(['reload', '--config', config]);
    expect(sent).toMatchObject({
      code: 0,
      stdout: `relay: sent SIGHUP to relay (pid ${stand.pid}); its log says what the reload changed\n`,
    });
    await vi.waitFor(() => expect(out).toBe('up\nHUP\n'), { timeout: 10_000 });
  });

  const linux = process.platform === 'linux';
  it.runIf(linux)('exits 1 on stderr when relay.pid names a process that has exited but is not reaped (a zombie)', async () => {
    // sh starts a child, then becomes sleep, which never reaps it; the child exits only once its parent is
    // sleep (a child that exited sooner could be reaped by sh, however briefly it ran).
    const script = 'p=$$; (while [ "$(cat /proc/$p/comm)" != sleep ]; do sleep 0.01; done) & echo $!; exec sleep 30';
    const parent = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const zombie = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    await vi.waitFor(() => expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /), { timeout: 10_000 });
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'relay.pid'), `${zombie}\n`);
    writeConfig();
    const r = await runCli(['reload', '--config', config]);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain(`relay.pid is stale (process ${zombie} is gone or is not relay): relay is not running`);
  });
});
