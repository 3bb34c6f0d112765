// Nothing native of relay's own is needed to run it: with every addon unresolvable, `check`, `test-url` and a
// relay on a TCP listener work (without the optional allocator controls, saying that a kill may cost a sender
// its next message), and only a unix listener that checks its peers' uids (SO_PEERCRED) refuses to start,
// saying how to build the addon.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { RelayProcess } from '../helpers/relay-process.ts';
import { runCli } from '../helpers/run-cli.ts';

const WITHOUT_ADDONS = { NODE_OPTIONS: `--require ${fileURLToPath(new URL('../helpers/without-addons.cjs', import.meta.url))}` };

describe('relay without its native addons', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-no-addons-'));
  const config = (listener: string) => {
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `
listeners: [${listener}]
notifiers: { sink: "${sink.url()}" }
rules: [{ name: all, match: {}, notify: [sink] }]
state_dir: ${join(dir, 'state')}
http: { address: "127.0.0.1:0" }
`,
    );
    return file;
  };
  beforeAll(() => sink.start());
  afterAll(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relay check passes a config with a sudo unix listener', async () => {
    const file = config(`{ name: sudo, type: unix, format: sudo, address: "${join(dir, 'sudo.sock')}" }`);
    const r = await runCli(['check', '--config', file], { env: WITHOUT_ADDONS });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${file}: ok\n`);
    expect(r.code).toBe(0);
  });

  it('relay test-url sends', async () => {
    const r = await runCli(['test-url', sink.url(), '--title', 'no addons'], { env: WITHOUT_ADDONS });
    expect(r.code).toBe(0);
    expect(sink.json().at(-1)).toMatchObject({ title: 'no addons' });
  });

  it('relay run relays from a TCP listener', async () => {
    const port = await freePort();
    const relay = await RelayProcess.start(config(`{ name: tcp, type: tcp, address: "127.0.0.1:${port}" }`), 1, WITHOUT_ADDONS);
    try {
      const before = sink.received.length;
      await sendTcp(port, '<13>1 2026-12-07T10:00:00Z web1 app - - - through without addons\n');
      await sink.waitFor(before + 1);
      expect(sink.json().at(-1)).toMatchObject({ message: expect.stringContaining('through without addons') });
      expect(relay.log).toContain('the abort-on-close addon is not built');
    } finally {
      expect(await relay.kill('SIGTERM')).toBe(0);
    }
  }, 30_000);

  it('relay run with a unix listener checking allow_uids exits non-zero, naming how to build the addon', async () => {
    const file = config(`{ name: local, type: unix, address: "${join(dir, 'local.sock')}", allow_uids: [0] }`);
    const r = await runCli(['run', '--config', file], { env: WITHOUT_ADDONS });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('the peer-cred addon is not built');
    expect(r.stderr + r.stdout).toContain('npm run install');
  }, 30_000);
});
