// Self-checks are not incidents: a sudo call the plugin marks `probe` (RELAY_PROBE=1) is `fields.probe` —
// only for `true` without arguments, so the marker cannot hide a real command — and the shipped rules send
// it to no notifier, while the same call unmarked alerts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { App } from '../../../src/app.ts';
import { ManualClock } from '../../../src/clock.ts';
import { vi } from 'vitest';
import { loadConfigFile } from '../../../src/plan/load-plan.ts';
import { silentLogger } from '../../../src/log.ts';
import { parseSudoEvent } from '../../../src/sources/sudo/event-schema.ts';
import { sudoEvent } from '../../../src/sources/sudo/listener.ts';
import { HttpSink } from '../../helpers/http-sink.ts';
import { connect } from '../../helpers/net.ts';
import { ROOT } from '../../helpers/run-cli.ts';

/** The plugin's accept and exit lines of one call. */
function call(id: string, argv: string[], extra: Record<string, unknown> = {}): string {
  const base = {
    v: 1,
    id,
    ts: '2026-11-30T10:00:00.000Z',
    host: 'web1',
    user: 'alice',
    uid: 1000,
    runas_user: 'nobody',
    pid: 42,
    command: argv[0],
    ...extra,
  };
  return [
    { ...base, event: 'accept', seq: 0, argv, argc: argv.length },
    { ...base, event: 'exit', seq: 1, status: 0 },
  ]
    .map((l) => `${JSON.stringify(l)}\n`)
    .join('');
}

function fieldsOf(line: string): Record<string, unknown> {
  const parsed = parseSudoEvent(line);
  if (!parsed.ok) throw new Error(parsed.reason);
  return sudoEvent(parsed.event, { listener: 'sudo', receivedAt: new Date() }).fields;
}

describe('sudo self-checks', () => {
  it.each([
    ['/bin/true, marked', ['/bin/true'], { probe: true }, true],
    ['/usr/bin/true, marked', ['/usr/bin/true'], { probe: true }, true],
    ['/bin/true, unmarked', ['/bin/true'], {}, undefined],
    ['/bin/true with arguments, marked', ['/bin/true', 'x'], { probe: true }, undefined],
    ['another command, marked', ['/bin/rm', '-rf', '/srv'], { probe: true }, undefined],
    ['a program named true elsewhere, marked', ['/tmp/true'], { probe: true }, undefined],
  ])('%s → fields.probe %s', (_name, argv, extra, probe) => {
    const accept = call('x', argv, extra).split('\n')[0]!;
    expect(fieldsOf(accept).probe).toBe(probe);
  });

  describe('through the shipped config.yaml rules', () => {
    const sink = new HttpSink();
    const dir = mkdtempSync(join(tmpdir(), 'relay-probe-'));
    let app: App;
    // The shipped sudo rule gathers a user's calls for a minute (group_wait) before it sends them.
    const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
    beforeAll(async () => {
      await sink.start();
      const shipped = parse(readFileSync(join(ROOT, 'config.yaml'), 'utf8')) as Record<string, unknown>;
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        stringify({
          ...shipped,
          listeners: [{ name: 'sudo', type: 'unix', format: 'sudo', address: './sudo.sock' }],
          notifiers: { console: sink.url('/console'), main: sink.url('/main') },
          state_dir: './state',
          // The shipped endpoint's fixed port would clash with other tests running at the same time.
          http: { ...(shipped.http as object), address: '127.0.0.1:0' },
        }),
      );
      app = new App(loadConfigFile(config, {}), { log: silentLogger, clock });
      await app.start();
    });
    afterAll(async () => {
      await app.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a probe call alerts nowhere; the same call unmarked, or a marked real command, alerts everywhere', async () => {
      const s = await connect({ path: join(dir, 'sudo.sock') });
      // In order on one connection: once the last call's alerts arrived, the probe's would have too.
      s.write(call('probe', ['/bin/true'], { probe: true }));
      s.write(call('forged', ['/bin/rm', '-rf', '/srv'], { probe: true }));
      s.write(call('plain', ['/bin/true']));
      s.end();
      await vi.waitFor(() => expect(app.pipeline.stats().matched).toMatchObject({ 'self-check': expect.any(Number), 'sudo-command': 2 }));
      clock.advance(60_000);
      await sink.waitFor(2);
      const sent = (path: string) =>
        sink.received.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as { title: string; message: string });
      for (const path of ['/console', '/main']) {
        const [digest, ...more] = sent(path);
        expect(more).toEqual([]);
        expect(digest!.title).toContain('(2 events)');
        expect(digest!.message).toContain('/bin/rm -rf /srv');
        expect(digest!.message).toContain('/bin/true');
      }
    });
  });
});
