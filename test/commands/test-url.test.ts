import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { runCli } from '../helpers/run-cli.ts';
import { freePort } from '../helpers/net.ts';

describe('relay test-url', () => {
  const ok = new HttpSink();
  const failing = new HttpSink();
  beforeAll(async () => {
    await ok.start();
    failing.respond = () => ({ status: 500, body: 'database on fire' });
    await failing.start();
  });
  afterAll(async () => {
    await ok.stop();
    await failing.stop();
  });

  it('exits 0 when the sink took the JSON, and prints the masked URL and time taken', async () => {
    const r = await runCli(['test-url', `json://user:s3cret@127.0.0.1:${ok.port}/hook`, '--title', 'hello', '--body', 'world']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`json://user:****@127.0.0.1:${ok.port}/hook`);
    expect(r.stdout).not.toContain('s3cret');
    expect(r.stdout).toMatch(/sent in \d+ ms/);
    expect(ok.json()).toEqual([{ version: '1.0', title: 'hello', message: 'world', type: 'info' }]);
    expect(ok.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
  });

  it("sends the type given with --type (Apprise's -n), so colours and priorities can be checked", async () => {
    const before = ok.received.length;
    const r = await runCli(['test-url', ok.url(), '-n', 'failure']);
    expect(r.code).toBe(0);
    const long = await runCli(['test-url', ok.url(), '--type', 'success']);
    expect(long.code).toBe(0);
    expect(
      ok
        .json()
        .slice(before)
        .map((b) => b.type),
    ).toEqual(['failure', 'success']);
    const bad = await runCli(['test-url', ok.url(), '--type', 'red']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('info, success, warning, failure');
    expect(ok.received.length).toBe(before + 2);
  });

  it("exits 1 with the provider's answer when the sink answers 500", async () => {
    const r = await runCli(['test-url', failing.url()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('HTTP 500');
    expect(r.stdout).toContain('database on fire');
  });

  it.each([
    [429, 'rate limited'],
    [503, 'provider answered HTTP 503'],
  ])('a %i with Retry-After says when relay would try again', async (status, said) => {
    const busy = new HttpSink();
    busy.respond = () => ({ status, headers: { 'retry-after': '120' }, body: 'slow down' });
    await busy.start();
    try {
      const r = await runCli(['test-url', busy.url()]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(said);
      expect(r.stdout).toContain('retry after 120000 ms');
    } finally {
      await busy.stop();
    }
  });

  it('exits 2 (usage), not 1 (delivery failed), for an unknown option or a missing URL', async () => {
    expect((await runCli(['test-url', ok.url(), '--colour', 'red'])).code).toBe(2);
    expect((await runCli(['test-url'])).code).toBe(2);
    expect((await runCli(['test-url', '--help'])).code).toBe(0);
  });

  it('exits 2 for a URL no notifier understands', async () => {
    const r = await runCli(['test-url', 'nope://x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('unknown notifier scheme nope://');
  });

  it('exits 1 naming the cause when nothing listens: ECONNREFUSED and the address, not a bare "fetch failed"', async () => {
    const port = await freePort();
    const r = await runCli(['test-url', `json://127.0.0.1:${port}/hook`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`connection refused by 127.0.0.1:${port} (ECONNREFUSED`);
    expect(r.stdout).not.toMatch(/fetch failed/);
  });

  it('exits 2 showing the URL it could not parse, with only the password masked', async () => {
    const r = await runCli(['test-url', 'json://alice:hunter2@hooks.example.com:80a/alerts']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('invalid URL: not a valid json:// URL: "json://alice:****@hooks.example.com:80a/alerts"\n');
  });
});
