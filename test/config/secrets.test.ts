// Issue: a `${file:}` secret in a URL path was logged in clear, and a template problem printed the lines of
// the file it came from. Every value substituted from `${env:}` or `${file:}` must stay out of every log
// line, config problem, command output and the outbox's last_error, wherever in a URL it sits.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { testUrl } from '../../src/commands/test-url.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort } from '../helpers/net.ts';
import { runCli } from '../helpers/run-cli.ts';

type Source = 'env' | 'file';
type Position = 'host' | 'path' | 'query' | 'user' | 'password';

interface Case {
  name: string;
  secret: string;
  /** The notifier URL as written in config.yaml, with a `${env:}`/`${file:}` reference; `broken` does not parse. */
  url: string;
  broken: string;
}

const SHADOW = [
  'root:$6$Qx9kzW1$ZzLq0m1Hn3d2Yw8uVt7sR4pO:19700:0:99999:7:::',
  'daemon:*:19700:0:99999:7:::',
  'alice:$6$Ab3deF$Pq9rS8tU7vW6xY5zA1bC2dE:19700:0:99999:7:::',
];

describe('secrets from ${env:} and ${file:} never leave relay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-secrets-'));
  const env: NodeJS.ProcessEnv = {};
  const cases: Case[] = [];
  // Echoes what it was sent, as a provider's error answer sometimes does: the secret comes back in the reply.
  const echo = new HttpSink();
  let closedPort = 0;

  /** Where a secret sits in a json:// URL; a host secret is the whole host:port of a closed port. */
  function place(position: Position, ref: string, sinkHost: string): { url: string; broken: string } {
    switch (position) {
      case 'host':
        return { url: `json://${ref}/hook`, broken: `json://${ref}:99999/hook` };
      case 'path':
        return { url: `json://${sinkHost}/${ref}`, broken: `json://127.0.0.1:99999/${ref}` };
      case 'query':
        return { url: `json://${sinkHost}/hook?-key=${ref}`, broken: `json://127.0.0.1:99999/hook?-key=${ref}` };
      case 'user':
        return { url: `json://${ref}:pw@${sinkHost}/hook`, broken: `json://${ref}:pw@127.0.0.1:99999/hook` };
      case 'password':
        return { url: `json://alice:${ref}@${sinkHost}/hook`, broken: `json://alice:${ref}@127.0.0.1:99999/hook` };
    }
  }

  function configYaml(urls: (c: Case) => string, rules = ''): string {
    const notifiers = cases.map((c) => `  ${c.name}: "${urls(c)}"`).join('\n');
    return `notifiers:\n${notifiers}\ndelivery:\n  shutdown_grace: 0\nstate_dir: ${join(dir, 'state')}\n${rules}`;
  }

  /** No secret, and no line of the shadow-like file, appears in `text`. */
  function expectNoSecret(text: string): void {
    for (const c of cases) expect(text, `${c.name}'s secret`).not.toContain(c.secret);
    for (const line of SHADOW) expect(text).not.toContain(line);
  }

  beforeAll(async () => {
    echo.respond = (req) => ({
      status: 503,
      body: `unavailable: ${req.url} ${Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')}`,
    });
    await echo.start();
    closedPort = await freePort();
    writeFileSync(join(dir, 'shadow'), `${SHADOW.join('\n')}\n{{ unclosed\n`);
    for (const source of ['env', 'file'] as Source[]) {
      for (const position of ['host', 'path', 'query', 'user', 'password'] as Position[]) {
        const name = `${source}_${position}`;
        const secret = position === 'host' ? `127.0.0.${source === 'env' ? 1 : 2}:${closedPort}` : `${position}-s3cret-from-${source}`;
        let ref: string;
        if (source === 'env') {
          env[`RELAY_TEST_${name.toUpperCase()}`] = secret;
          ref = `\${env:RELAY_TEST_${name.toUpperCase()}}`;
        } else {
          writeFileSync(join(dir, name), `${secret}\n`);
          ref = `\${file:${join(dir, name)}}`;
        }
        cases.push({ name, secret, ...place(position, ref, `127.0.0.1:${echo.port}`) });
      }
    }
  });
  afterAll(() => echo.stop());

  it('not in the log lines or the outbox last_error of a relay whose every notifier fails', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      configYaml((c) => c.url),
    );
    const config = parseConfig(
      configYaml((c) => c.url),
      file,
      env,
    );
    const logs = captureLog('debug');
    const app = new App(config, { log: logs.log, clock: new ManualClock(0) });
    await app.start();
    app.dispatcher.enqueue({
      id: 'a1',
      rule: 'r',
      notify: cases.map((c) => c.name),
      title: 't',
      body: 'b',
      type: 'failure',
      key: 'k',
      createdAt: 0,
      count: 1,
    });
    await vi.waitFor(() => expect(app.dispatcher.stats.retried).toBe(cases.length), { timeout: 10_000 });
    await app.stop();

    const outbox = Outbox.open(config.state_dir);
    const lastErrors = cases.map((c) => outbox.head(c.name)[0]?.lastError ?? '');
    outbox.close();
    // The failures happened, and say why: refused for the hosts, the provider's echo for the rest.
    expect(lastErrors.filter((e) => e.includes('ECONNREFUSED'))).toHaveLength(2);
    expect(lastErrors.filter((e) => e.includes('HTTP 503'))).toHaveLength(8);
    expect(lastErrors.join('\n')).toContain('****');
    expectNoSecret(lastErrors.join('\n'));
    expect(logs.lines.filter((l) => l.msg === 'notifier ready')).toHaveLength(cases.length);
    expect(logs.lines.filter((l) => l.msg.startsWith('notifier failing'))).toHaveLength(cases.length);
    expectNoSecret(JSON.stringify(logs.lines));

    const shown = await runCli(['outbox', '--config', file], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout.match(/last error:/g)).toHaveLength(cases.length);
    expectNoSecret(shown.stdout + shown.stderr);
  });

  it('not in `relay check` problems: URLs that do not parse, and a template that does not parse', async () => {
    const file = join(dir, 'broken.yaml');
    const rule = `rules:\n  - name: r\n    notify: [env_path]\n    title: \${file:${join(dir, 'shadow')}}\n`;
    writeFileSync(
      file,
      configYaml((c) => c.broken, rule),
    );
    const r = await runCli(['check', '--config', file], { env });
    expect(r.code).toBe(1);
    const problems = r.stderr.trim().split('\n');
    expect(problems.filter((p) => p.includes('not a valid json:// URL'))).toHaveLength(cases.length);
    expect(problems).toContainEqual(expect.stringMatching(/rules\[0\]\.title: template does not parse at line 4: /));
    expectNoSecret(r.stderr + r.stdout);
  });

  it.each([
    'env_host',
    'env_path',
    'env_query',
    'env_user',
    'env_password',
    'file_host',
    'file_path',
    'file_query',
    'file_user',
    'file_password',
  ])('not in `relay test-url` output for %s, sent or not parsed', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    for (const url of [c.url, c.broken]) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => (text += d));
      const code = await testUrl(url, { title: 't', body: 'b' }, out, env);
      expect(code).toBe(url === c.url ? 1 : 2);
      expect(text).toContain('****');
      expectNoSecret(text);
    }
  });

  it('not in `relay test-url` output run as a command', async () => {
    const c = cases.find((x) => x.name === 'file_password')!;
    const r = await runCli(['test-url', c.url], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('HTTP 503');
    expectNoSecret(r.stdout + r.stderr);
  });
});
