// Tokens on the HTTP endpoint: a rate per token (429 with Retry-After, on the manual clock, other tokens
// unaffected), probes open by default and behind a token with probes: token, every request counted in
// relay_http_requests_total by route, token name and code, and the name (never the secret) in the logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { captureLog } from '../helpers/capture-log.ts';

const CI = 'ci-secret-0123456789abcdef';
const CRON = 'cron-secret-0123456789abcdef';

describe('HTTP tokens', () => {
  let dir: string;
  let app: App;
  const start = async (http: string, opts: { log?: Logger; clock?: ManualClock } = {}) => {
    dir = mkdtempSync(join(tmpdir(), 'relay-tokens-'));
    app = new App(
      parseConfig(
        `
notifiers: { console: "console://" }
http: { address: "127.0.0.1:0", tokens: { ci: "${CI}", cron: "${CRON}" }, ${http} }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      ),
      { log: opts.log ?? silentLogger, ...(opts.clock ? { clock: opts.clock } : {}) },
    );
    await app.start();
  };
  afterEach(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (secret: string) =>
    fetch(`http://${app.httpAddress}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: '{"message":"m"}',
    });

  it('answers 429 with Retry-After once a token used its burst, only for that token, and again after the refill', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T14:00:00Z'));
    await start('rate_limit: { rate: 1/10s, burst: 2 }', { clock });
    expect((await post(CI)).status).toBe(200);
    expect((await post(CI)).status).toBe(200);
    const limited = await post(CI);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(await limited.json()).toMatchObject({
      code: 'RELAY_E_HTTP_RATE_LIMIT',
      message: 'token ci is over http.rate_limit; retry in 10s',
    });
    expect((await post(CRON)).status).toBe(200);
    clock.advance(4_000);
    expect((await post(CI)).headers.get('retry-after')).toBe('6');
    clock.advance(6_000);
    expect((await post(CI)).status).toBe(200);
    expect(app.pipeline.stats().events).toBe(4);
  });

  it('leaves /metrics, /healthz and /readyz open by default', async () => {
    await start('');
    for (const path of ['/metrics', '/healthz', '/readyz']) expect((await fetch(`http://${app.httpAddress}${path}`)).status).toBe(200);
  });

  it('puts the probes behind a token with probes: token', async () => {
    await start('probes: token');
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      expect((await fetch(`http://${app.httpAddress}${path}`)).status).toBe(401);
      expect((await fetch(`http://${app.httpAddress}${path}`, { headers: { authorization: `Bearer ${CRON}` } })).status).toBe(200);
    }
  });

  it('counts requests by route, token name and code, and events by token and outcome, in /metrics', async () => {
    await start('');
    await post(CI);
    await post(CI);
    await post('wrong-secret-0123456789');
    await fetch(`http://${app.httpAddress}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CRON}` },
      body: '[{"message":"ok"},{"nope":1}]',
    });
    await fetch(`http://${app.httpAddress}/no/such/path`);
    const text = await (await fetch(`http://${app.httpAddress}/metrics`)).text();
    expect(text).toContain('relay_http_requests_total{route="/events",token="ci",code="200"} 2');
    expect(text).toContain('relay_http_requests_total{route="/events",token="",code="401"} 1');
    expect(text).toContain('relay_http_requests_total{route="/events",token="cron",code="400"} 1');
    expect(text).toContain('relay_http_requests_total{route="unmatched",token="",code="404"} 1');
    expect(text).toContain('relay_http_events_total{token="ci",outcome="accepted"} 2');
    expect(text).toContain('relay_http_events_total{token="cron",outcome="rejected"} 1');
    expect(text).not.toContain(CI);
  });

  it('logs the token name with each request at debug, never a secret (sent right, wrong, or as Basic)', async () => {
    const { log, lines } = captureLog('debug');
    await start('', { log });
    await post(CI);
    await post(`${CRON}-wrong`);
    await fetch(`http://${app.httpAddress}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`u:${CRON}`).toString('base64')}` },
      body: '{"body":"b","tag":"console"}',
    });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request done', url: '/events', status: 200, token: 'ci' }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http notify queued', token: 'cron', notifiers: ['console'] }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'http request refused: no valid token', why: 'unknown token' }));
    const all = JSON.stringify(lines);
    expect(all).not.toContain(CI);
    expect(all).not.toContain(CRON);
    expect(all).not.toContain(Buffer.from(`u:${CRON}`).toString('base64'));
  });

  it('serves no /events or /notify without a token in config', async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-tokens-'));
    app = new App(parseConfig(`http: { address: "127.0.0.1:0" }\nstate_dir: ${dir}\n`, 'test.yaml', {}), { log: silentLogger });
    await app.start();
    expect((await post(CI)).status).toBe(404);
  });
});
