// A relay that cannot start for a reason outside its config — a TCP, UDP or HTTP port another process
// holds, port 514 as an unprivileged user — says so in one line on stderr (what failed, where, and the OS
// cause in words; no stack, no source) and exits 3, which is not the 1 of a config with problems. A
// state_dir or socket directory it may not write is found before that, by the plan's resource check.
import dgram from 'node:dgram';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ExitCodes } from '../../src/commands/exit-codes.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

const NOBODY = 65534;
const IN_USE = 'address already in use: another process listens there (EADDRINUSE)';
const asRoot = process.getuid?.() === 0;

/** stderr without relay's JSON log lines (`using config`): what the failure printed. */
function failureLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
}

function expectOneLine(r: CliResult, text: string): void {
  expect(r.code).toBe(ExitCodes.START);
  expect(failureLines(r)).toEqual([`relay: cannot start: ${text}`]);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Node\.js v/);
}

describe('relay run start-up failures', () => {
  // World-readable, so relay run as nobody can read its config.
  const dir = mkdtempSync(join(tmpdir(), 'relay-startup-'));
  chmodSync(dir, 0o755);
  const taken: { close: () => void }[] = [];
  afterEach(() => taken.splice(0).forEach((s) => s.close()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function config(name: string, body: string, stateDir = join(dir, `state-${name}`)): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `${body}\nnotifiers: { hook: "json://127.0.0.1:9/x" }\nstate_dir: ${stateDir}\n`, { mode: 0o644 });
    return file;
  }

  async function tcpTaken(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    taken.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  it('a syslog TCP port in use', async () => {
    const port = await tcpTaken();
    const r = await runCli(['run', '--config', config('tcp', `listeners: [{ name: in, type: tcp, address: "127.0.0.1:${port}" }]`)]);
    expectOneLine(r, `listener in cannot listen on 127.0.0.1:${port}: ${IN_USE}`);
  });

  it('the HTTP port in use', async () => {
    const port = await tcpTaken();
    const r = await runCli(['run', '--config', config('http', `listeners: []\nhttp: { address: "127.0.0.1:${port}" }`)]);
    expectOneLine(r, `http endpoint cannot listen on 127.0.0.1:${port}: ${IN_USE}`);
  });

  it('a UDP port in use', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    taken.push(socket);
    const { port } = socket.address();
    const r = await runCli(['run', '--config', config('udp', `listeners: [{ name: dg, type: udp, address: "127.0.0.1:${port}" }]`)]);
    expectOneLine(r, `listener dg cannot bind 127.0.0.1:${port}: ${IN_USE}`);
  });

  describe.runIf(asRoot)('as an unprivileged user', () => {
    // Where the kernel lets anyone bind low ports, 514 is no failure to test.
    const unprivilegedPortStart = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    const asNobody = { uid: NOBODY, gid: NOBODY };

    it('port 514 without root or CAP_NET_BIND_SERVICE', async (ctx) => {
      if (unprivilegedPortStart <= 514) ctx.skip();
      const stateDir = join(dir, 'state-514');
      mkdirSync(stateDir, { mode: 0o700 });
      chownSync(stateDir, NOBODY, NOBODY);
      const listener = 'listeners: [{ name: syslog, type: udp, address: "127.0.0.1:514" }]';
      const r = await runCli(['run', '--config', config('514', listener, stateDir)], asNobody);
      expectOneLine(
        r,
        'listener syslog cannot bind 127.0.0.1:514: permission denied: ports below 1024 need root or the capability ' +
          'CAP_NET_BIND_SERVICE (EACCES)',
      );
    });

    // Directories relay must write are resources the plan checks: `relay check` and `relay run` refuse such a
    // config before anything is opened, at the key's place, as a config problem (exit 1).
    it('a state_dir it may not write', async () => {
      const stateDir = join(dir, 'state-root');
      mkdirSync(stateDir, { mode: 0o755 });
      const file = config('state', 'listeners: []', stateDir);
      for (const command of ['run', 'check']) {
        const r = await runCli([command, '--config', file], asNobody);
        expect(r.code).toBe(1);
        expect(failureLines(r).filter((l) => l.startsWith(file))).toEqual([
          expect.stringMatching(
            new RegExp(
              `: state_dir: ${stateDir} is not writable for user nobody \\(EACCES\\), and relay keeps its outbox and state there; `,
            ),
          ),
        ]);
      }
    });

    it('a file in its state_dir that root left behind, saying how to give it back', async () => {
      const stateDir = join(dir, 'state-left');
      mkdirSync(stateDir, { mode: 0o700 });
      chownSync(stateDir, NOBODY, NOBODY);
      writeFileSync(join(stateDir, 'outbox.db'), '', { mode: 0o600 });
      const r = await runCli(['run', '--config', config('left', 'listeners: []', stateDir)], asNobody);
      const file = join(stateDir, 'outbox.db');
      expectOneLine(r, `cannot open ${file}: permission denied (EACCES); it belongs to root: give it to nobody (chown nobody ${file}*)`);
    });

    it('a unix socket in a directory it may not write', async () => {
      const sockets = join(dir, 'sockets');
      mkdirSync(sockets, { mode: 0o755 });
      const stateDir = join(dir, 'state-unix');
      mkdirSync(stateDir);
      chownSync(stateDir, NOBODY, NOBODY);
      const socket = join(sockets, 'relay.sock');
      const file = config('unix', `listeners: [{ name: local, type: unix, address: ${socket} }]`, stateDir);
      const r = await runCli(['run', '--config', file], asNobody);
      expect(r.code).toBe(1);
      expect(failureLines(r).filter((l) => l.startsWith(file))).toEqual([
        expect.stringMatching(
          new RegExp(
            `: listeners\\[0\\]\\.address: ${sockets} is not writable for user nobody \\(EACCES\\), and listener local creates its socket there; `,
          ),
        ),
      ]);
    });
  });

  it('a config with problems still exits 1, not 3', async () => {
    const r = await runCli(['run', '--config', config('bad', 'listeners: 3')]);
    expect(r.code).toBe(1);
  });
});
