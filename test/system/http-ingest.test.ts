// HTTP ingest against a real `relay run` process with the real curl: without the token 401, with it the
// alert at a notifier (from /events and from /notify); a 50 MB body (sized, and streamed chunked) refused
// with 413 at once while the process's RSS stays where it was; the token in no log line at debug level.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort } from '../helpers/net.ts';
import { CLI, ROOT } from '../helpers/run-cli.ts';
import { describeWithTools } from '../helpers/tools.ts';

const run = promisify(execFile);
const TOKEN = `tok-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
const MB = 1024 * 1024;

/** curl's answer: status and body. */
async function curl(args: string[]): Promise<{ status: number; body: string; seconds: number }> {
  const { stdout } = await run('curl', ['-sS', '-o', '-', '-w', '\n%{http_code} %{time_total}', ...args], { maxBuffer: 4 * MB });
  const cut = stdout.lastIndexOf('\n');
  const [status, seconds] = stdout.slice(cut + 1).split(' ');
  return { status: Number(status), body: stdout.slice(0, cut), seconds: Number(seconds) };
}

/** Resident set size of a process, from the kernel. */
function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

describeWithTools(['curl'], 'HTTP ingest on a real relay process, with curl', () => {
  const sink = new HttpSink();
  let dir: string;
  let base: string;
  let relay: ChildProcess;
  let log = '';
  const auth = ['-H', `Authorization: Bearer ${TOKEN}`];

  beforeAll(async () => {
    await sink.start();
    dir = mkdtempSync(join(tmpdir(), 'relay-http-ingest-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `
notifiers: { hook: "${sink.url()}" }
rules:
  - { name: from-http, match: { kind: http, token: ci }, notify: [hook], title: "{{host}}: {{message}}" }
http: { address: "127.0.0.1:${port}", tokens: { ci: "\${env:RELAY_TEST_HTTP_TOKEN}" } }
log: { level: debug }
state_dir: ${join(dir, 'state')}
`,
    );
    // node itself (not the tsx wrapper, which runs relay in a child): the pid whose RSS is measured is relay's.
    relay = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', '--config', config], {
      cwd: ROOT,
      env: { ...process.env, RELAY_TEST_HTTP_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relay.stdout!.on('data', (d: Buffer) => (log += d));
    await new Promise<void>((resolve, reject) => {
      relay.stderr!.on('data', (d: Buffer) => {
        log += d;
        if (log.includes('http endpoint listening')) resolve();
      });
      relay.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
    });
  });
  afterAll(async () => {
    if (relay.exitCode === null) {
      const gone = new Promise((r) => relay.once('exit', r));
      relay.kill('SIGTERM');
      await gone;
    }
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 to /events and /notify without the token or with a wrong one, and nothing alerts', async () => {
    const event = ['-H', 'Content-Type: application/json', '-d', '{"host":"web1","message":"no token"}'];
    expect((await curl([...event, `${base}/events`])).status).toBe(401);
    expect((await curl([...event, '-H', 'Authorization: Bearer wrong-0123456789abcdef', `${base}/events`])).status).toBe(401);
    expect((await curl(['-d', 'body=no token', `${base}/notify`])).status).toBe(401);
    expect(sink.received).toHaveLength(0);
  });

  it('with the token, an event posted to /events alerts at the notifier', async () => {
    const res = await curl([
      ...auth,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"host":"web1","app":"deploy","severity":"err","message":"deploy failed"}',
      `${base}/events`,
    ]);
    expect(res).toMatchObject({ status: 200, body: '{"accepted":1,"rejected":0,"errors":[]}' });
    await sink.waitFor(1);
    expect(sink.json()[0]).toMatchObject({ title: 'web1: deploy failed' });
  });

  it('with the token, an Apprise-style form post to /notify alerts at the notifier', async () => {
    const res = await curl([...auth, '-d', 'title=backup&body=nightly backup failed&type=failure&tag=hook', `${base}/notify`]);
    expect(res.status).toBe(200);
    await sink.waitFor(2);
    expect(sink.json()[1]).toMatchObject({ title: 'backup', message: 'nightly backup failed', type: 'failure' });
  });

  it("refuses a 50 MB body with 413 at once, sized or streamed, and relay's RSS stays where it was", async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(50 * MB, 0x20));
    // Warm up the paths the big bodies take, so what is measured is the body, not first-use allocations.
    for (let i = 0; i < 3; i++) await curl([...auth, '-H', 'Content-Type: application/json', '-d', '{"message":"warm"}', `${base}/events`]);
    const before = rssBytes(relay.pid!);
    const sized = await curl([...auth, '-H', 'Content-Type: application/json', '--data-binary', `@${big}`, `${base}/events`]);
    const streamed = await curl([
      ...auth,
      '-H',
      'Content-Type: application/json',
      '-H',
      'Transfer-Encoding: chunked',
      '--data-binary',
      `@${big}`,
      `${base}/events`,
    ]);
    const after = rssBytes(relay.pid!);
    for (const res of [sized, streamed]) {
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      expect(res.seconds).toBeLessThan(2);
    }
    // Buffering even one of them whole would add 50 MB.
    expect(after - before).toBeLessThan(16 * MB);
    console.info(
      `50 MB bodies: 413 in ${sized.seconds}s (sized) and ${streamed.seconds}s (chunked); RSS ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after`,
    );
  });

  it('never writes the token into a log line (debug level, through stop)', async () => {
    const gone = new Promise((r) => relay.once('exit', r));
    relay.kill('SIGTERM');
    await gone;
    expect(log).toContain('"token":"ci"');
    expect(log).toContain('"msg":"http request refused: no valid token"');
    expect(log).not.toContain(TOKEN);
  });
});
