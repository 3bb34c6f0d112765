// A reload is a transaction: the next plan is built before anything running is touched. A plan that cannot
// be built (a config with problems, a notifier that fails to construct, a pipeline that fails to compose)
// leaves relay relaying on the plan it has, and /metrics says the last reload failed until one succeeds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { ConfigError } from '../src/config/load.ts';
import { silentLogger } from '../src/log.ts';
import { parsePlan } from '../src/plan/load-plan.ts';
import type { Plan } from '../src/plan/plan.ts';
import { HttpSink } from './helpers/http-sink.ts';
import { sendTcp } from './helpers/net.ts';

const line = (app: string) => `<13>1 2026-11-30T10:00:00Z web1 ${app} - - - hello\n`;

describe('a reload whose plan cannot be built', () => {
  let dir: string;
  let sink: HttpSink;
  let app: App;
  let clock: ManualClock;
  const yaml = (rule: string) => `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:0" }]
notifiers: { sink: "${sink.url()}" }
rules:
  - { name: ${rule}, match: { app: ${rule} }, notify: [sink], title: "${rule} {{host}}" }
  - { name: grouped, match: { app: grp }, notify: [sink], group_by: [host], group_wait: 1m, title: "grouped {{host}}" }
http: { address: "127.0.0.1:0" }
state_dir: ${dir}
`;
  const send = (app_: string) => sendTcp(Number(app.sources[0]!.address().split(':').pop()), line(app_));
  const metric = async (name: string) => {
    const text = await (await fetch(`http://${app.httpAddress}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-reload-tx-'));
    sink = await new HttpSink().start();
    clock = new ManualClock(Date.parse('2026-11-30T10:00:00Z'));
    app = new App(parsePlan(yaml('old'), join(dir, 'config.yaml'), {}), { log: silentLogger, clock });
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps relaying on the old plan when the new config has problems, and says the reload failed', async () => {
    expect(await metric('relay_config_last_reload_successful')).toBe(1);
    const loadedAt = await metric('relay_config_last_reload_success_timestamp_seconds');
    const broken = yaml('new').replace('notify: [sink]', 'notify: [ghost]');
    await expect(app.reload((running) => parsePlan(broken, join(dir, 'config.yaml'), {}, running))).rejects.toBeInstanceOf(ConfigError);

    await send('old');
    await sink.waitFor(1);
    expect(sink.json().map((a) => a.title)).toEqual(['old web1']);
    expect(await metric('relay_config_last_reload_successful')).toBe(0);
    expect(await metric('relay_config_last_reload_success_timestamp_seconds')).toBe(loadedAt);

    await app.reload((running) => parsePlan(yaml('new'), join(dir, 'config.yaml'), {}, running));
    await send('new');
    await sink.waitFor(2);
    expect(sink.json().map((a) => a.title)).toEqual(['old web1', 'new web1']);
    expect(await metric('relay_config_last_reload_successful')).toBe(1);
  });

  it('keeps relaying on the old plan when building throws for another reason (a notifier that fails to construct)', async () => {
    const cause = new Error('the notifier module could not be constructed');
    await expect(
      app.reload(() => {
        throw cause;
      }),
    ).rejects.toBe(cause);
    await send('old');
    await sink.waitFor(1);
    expect(sink.json().map((a) => a.title)).toEqual(['old web1']);
    expect(app.config.rules.map((r) => r.name)).toEqual(['old', 'grouped']);
    expect(await metric('relay_config_last_reload_successful')).toBe(0);
  });

  it("goes back to the old pipeline when the new one fails to compose, with the old one's state resumed", async () => {
    await send('grp');
    await send('grp');
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(2), { timeout: 10_000 });
    const next = parsePlan(yaml('new'), join(dir, 'config.yaml'), {});
    const notifiers = new Map(next.notifiers);
    notifiers.keys = () => {
      throw new Error('compose failed');
    };
    const failing: Plan = { ...next, notifiers };
    await expect(app.reload(failing)).rejects.toThrow('compose failed');
    await send('old');
    await sink.waitFor(1);
    expect(sink.json().map((a) => a.title)).toEqual(['old web1']);
    expect(app.config.rules.map((r) => r.name)).toEqual(['old', 'grouped']);
    expect(await metric('relay_config_last_reload_successful')).toBe(0);
    // The open group went to the store with the old pipeline and came back with it: one digest at its deadline.
    await send('grp');
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(4), { timeout: 10_000 });
    clock.advance(60_000);
    await sink.waitFor(2);
    expect(sink.json().map((a) => a.title)).toEqual(['old web1', 'grouped web1 (3 events)']);
  });
});
