// The relay_audit plugin inside real sudo: which events it sends, with what fields, and that it never
// breaks or stalls sudo (no listener, a listener that stops reading).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { parseSudoEvent } from '../../src/sources/sudo/event-schema.ts';
import { collectSpool, type SpoolRecord } from '../../src/sources/sudo/spool-collector.ts';
import { startLineServer, type LineServer } from './line-server.ts';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { TEST_USER, ensureTestUser } from './test-sudoer.ts';
import { describeWithSudo } from './sudo-env.ts';

const SUDOERS_DROPIN = '/etc/sudoers.d/relaytest-audit';

describeWithSudo('relay_audit sudo plugin', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let socket: string;
  let spool: string;
  let server: LineServer | undefined;

  beforeAll(() => {
    guard = new SudoConfGuard();
    dir = mkdtempSync(join(tmpdir(), 'relay-audit-'));
    socket = join(dir, 'sudo.sock');
    spool = join(dir, 'spool', 'sudo.jsonl');
    installPlugin(dir, { socket, spool, timeout_ms: 50 });
  });

  afterAll(() => {
    try {
      uninstallPlugin(dir);
    } finally {
      guard.dispose();
      rmSync(SUDOERS_DROPIN, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(join(dir, 'spool'), { recursive: true, force: true });
  });

  /** Runs sudo and returns the events of that call (one sudo pid), once `count` of them arrived. */
  async function eventsOf(args: string[], count: number, opts: { asUser?: string; env?: NodeJS.ProcessEnv } = {}) {
    server ??= await startLineServer(socket);
    const before = server.received.length;
    const run = await runSudo(args, opts);
    await server.waitFor(() => server!.received.length > before);
    const id = server.received[before]!.event.id;
    const events = await server.waitFor((e) => e.id === id, count);
    return { run, events: events.map((r) => r.event), received: events };
  }

  it('reports accept then exit 0 for sudo -u nobody /bin/true, from root, with one accept only', async () => {
    const { run, events, received } = await eventsOf(['-u', 'nobody', '/bin/true'], 2);
    expect(run.status).toBe(0);
    const [accept, exit] = events;
    expect(accept).toMatchObject({
      v: 1,
      event: 'accept',
      seq: 0,
      host: hostname(),
      user: 'root',
      uid: 0,
      runas_user: 'nobody',
      runas_uid: 65534,
      cwd: '/tmp',
      command: '/bin/true',
      argv: ['/bin/true'],
      argc: 1,
    });
    expect(accept!.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(accept!.id).toMatch(new RegExp(`^${hostname()}-${accept!.pid}-\\d+-[0-9a-f]{16}$`));
    expect(accept).not.toHaveProperty('env');
    expect(exit).toMatchObject({ event: 'exit', seq: 1, id: accept!.id, status: 0 });
    for (const r of received) {
      expect(r.peer.uid).toBe(0);
      expect(parseSudoEvent(r.line).ok).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(server!.received.filter((r) => r.event.id === accept!.id)).toHaveLength(2);
  });

  it("marks every event of a self-check (RELAY_PROBE=1 in sudo's environment) probe: true, and only those", async () => {
    const probe = await eventsOf(['-u', 'nobody', '/bin/true'], 2, { env: { RELAY_PROBE: '1' } });
    expect(probe.events.map((e) => e.probe)).toEqual([true, true]);
    for (const r of probe.received) expect(parseSudoEvent(r.line).ok).toBe(true);
    const other = await eventsOf(['-u', 'nobody', '/bin/true'], 2, { env: { RELAY_PROBE: 'yes' } });
    expect(other.events.map((e) => e.probe)).toEqual([undefined, undefined]);
  });

  it('reports the exit status of a failing command', async () => {
    const { run, events } = await eventsOf(['-u', 'nobody', '/bin/false'], 2);
    expect(run.status).toBe(1);
    expect(events[1]).toMatchObject({ event: 'exit', status: 1 });
  });

  it('reports the signal that killed the command', async () => {
    const { events } = await eventsOf(['sh', '-c', 'kill -TERM $$'], 2);
    expect(events[1]).toMatchObject({ event: 'exit', signal: 15, signal_name: 'SIGTERM', core_dumped: false });
    expect(events[1]).not.toHaveProperty('status');
  });

  it('reports exec_error with errno ENOENT when the command cannot be executed', async () => {
    const script = join(dir, 'no-interpreter');
    writeFileSync(script, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    chmodSync(script, 0o755);
    const { run, events } = await eventsOf([script], 2);
    expect(run.status).not.toBe(0);
    expect(events[1]).toMatchObject({ event: 'exec_error', errno: 2, errno_name: 'ENOENT', command: script });
    expect(String(events[1]!.error)).not.toBe('');
  });

  it("reports reject with sudo's reason for a command that does not exist", async () => {
    const { events } = await eventsOf(['/nonexistent/command'], 1);
    expect(events[0]).toMatchObject({
      event: 'reject',
      plugin: 'sudoers_policy',
      reason: '/nonexistent/command: command not found',
    });
  });

  it('reports error "authentication failure" when sudo -n would need a password', async () => {
    ensureTestUser();
    const { run, events } = await eventsOf(['-n', '/bin/true'], 1, { asUser: TEST_USER });
    expect(run.status).toBe(1);
    expect(events[0]).toMatchObject({ event: 'error', user: TEST_USER, reason: 'authentication failure', command: '/bin/true' });
  });

  it('reports reject "command not allowed" for an unprivileged user (sudo -n)', async () => {
    ensureTestUser();
    const rules = join(dir, 'sudoers');
    // No password step, so sudo -n reaches the policy decision instead of "a password is required".
    writeFileSync(rules, `Defaults:${TEST_USER} !authenticate\n${TEST_USER} ALL=(root) /bin/true\n`);
    execFileSync('visudo', ['-cf', rules], { stdio: 'ignore' });
    execFileSync('install', ['-m', '0440', rules, SUDOERS_DROPIN]);
    try {
      const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
      const { run, events } = await eventsOf(['-n', '/bin/ls', '/'], 1, { asUser: TEST_USER });
      expect(run.status).toBe(1);
      expect(events[0]).toMatchObject({
        event: 'reject',
        user: TEST_USER,
        uid,
        reason: 'command not allowed',
        command: '/bin/ls',
        argv: ['/bin/ls', '/'],
      });
    } finally {
      rmSync(SUDOERS_DROPIN, { force: true });
    }
  });

  it('escapes invalid UTF-8 and control bytes so the line stays valid JSON', async () => {
    const { events, received } = await eventsOf(['sh', '-c', ': "$1"', 'sh', '\u0001\u001b[31mred\u007f é'], 2);
    expect(parseSudoEvent(received[0]!.line).ok).toBe(true);
    expect(received[0]!.line).toContain('\\u0001\\u001b[31mred\\u007f é');
    expect((events[0]!.argv as string[])[4]).toBe('\u0001\u001b[31mred\u007f é');
    // Node cannot pass raw bytes as arguments: let a shell run sudo with an invalid byte.
    execFileSync('sh', ['-c', `sudo -u nobody /bin/echo "$(printf 'a\\377b')" invalid-utf8 >/dev/null`], { cwd: '/tmp' });
    const [accept] = await server!.waitFor((e) => e.event === 'accept' && (e.argv as string[]).includes('invalid-utf8'));
    expect(accept!.event.argv).toEqual(['/bin/echo', 'a\\xffb', 'invalid-utf8']);
  });

  it('caps argv at 64 arguments and marks it truncated', async () => {
    const args = Array.from({ length: 100 }, (_, i) => `arg${i}`);
    const { events } = await eventsOf(['-u', 'nobody', '/bin/true', ...args], 2);
    expect(events[0]).toMatchObject({ argc: 101, truncated: true });
    expect(events[0]!.argv).toHaveLength(64);
  });

  it('a FIFO planted at the spool path (e.g. by whoever owns the spool directory) cannot hang sudo', () => {
    rmSync(socket, { force: true });
    mkdirSync(dirname(spool), { recursive: true, mode: 0o700 });
    rmSync(spool, { force: true });
    execFileSync('mkfifo', ['-m', '0600', spool]);
    // spawnSync blocks this process: its own timeout ends a hang (SIGKILL: sudo holds off SIGTERM there).
    const r = spawnSync('sudo', ['-u', 'nobody', '/bin/true'], { cwd: '/tmp', timeout: 10_000, killSignal: 'SIGKILL', stdio: 'ignore' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(statSync(spool).isFIFO()).toBe(true);
  });

  it('without a listener, sudo still succeeds and the events land in the spool (0600)', async () => {
    rmSync(socket, { force: true });
    const run = await runSudo(['-u', 'nobody', '/bin/true']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(statSync(spool).mode & 0o777).toBe(0o600);
    const records: SpoolRecord[] = [];
    const stats = await collectSpool(spool, (r) => void records.push(r), { graceMs: 0 });
    expect(stats).toMatchObject({ events: 2, invalid: 0 });
    expect(records.map((r) => r.ok && r.event.event)).toEqual(['accept', 'exit']);
    expect(existsSync(spool)).toBe(false);
  });

  it('a listener that stops reading delays sudo by about timeout_ms at most, and nothing is lost', async () => {
    // Lift the argv caps so one call's lines exceed the socket buffer (~200 KiB) and sending blocks.
    const timeoutMs = 50;
    installPlugin(dir, { socket, spool, timeout_ms: timeoutMs, max_args: 1000, max_arg_bytes: 4096, max_argv_bytes: 4194304 });
    try {
      server = await startLineServer(socket, { stalled: true });
      const big = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(4000, 'x'));
      const run = await runSudo(['-u', 'nobody', '/bin/true', ...big]);
      expect(run.status).toBe(0);
      const baseline = await runSudo(['-u', 'nobody', '/bin/true']);
      expect(run.ms).toBeLessThan(baseline.ms + timeoutMs + 500);
      // Both events of the stalled call were spooled whole (the first one cut off mid-line on the socket).
      const lines = readFileSync(spool, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const stalled = lines.filter((e) => e.argc === 201);
      expect(stalled.map((e) => e.event)).toEqual(['accept', 'exit']);
      expect(stalled[0]!.argv).toHaveLength(201);
    } finally {
      installPlugin(dir, { socket, spool, timeout_ms: 50 });
    }
  });
});
