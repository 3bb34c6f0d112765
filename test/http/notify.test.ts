// POST /notify on a real loopback App, as Apprise API clients call it: JSON and form bodies, tags (comma =
// OR, space = AND, lists, repeated form keys), the config key in the path or X-Apprise-Config-ID, the
// default, and what is refused. Every message goes through the outbox to a real HTTP notifier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';

const SECRET = 'notify-secret-0123456789';

describe('POST /notify', () => {
  let dir: string;
  let sink: HttpSink;
  let app: App;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-notify-'));
    sink = await new HttpSink().start();
    app = new App(
      parseConfig(
        `
notifiers: { ops: "${sink.url('/ops')}", mail: "${sink.url('/mail')}", chat: "${sink.url('/chat')}" }
http:
  address: "127.0.0.1:0"
  tokens: { scripts: "${SECRET}" }
  notify: { default: [ops], tags: { devops: [ops, chat], people: [mail, chat] } }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      ),
      { log: silentLogger },
    );
    await app.start();
  });
  afterEach(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const notify = (
    body: string,
    { path = '/notify', type = 'application/json', headers = {} }: { path?: string; type?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`http://${app.httpAddress}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${SECRET}`, ...headers },
      body,
    });
  /** Where each delivered message went, sorted, once `n` arrived. */
  const delivered = async (n: number) => {
    await sink.waitFor(n);
    return sink.received.map((r) => `${r.url} ${(JSON.parse(r.body) as { title: string }).title}`).sort();
  };

  it('needs the token', async () => {
    const res = await fetch(`http://${app.httpAddress}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"body":"x"}',
    });
    expect(res.status).toBe(401);
  });

  it('sends {title, body, type, tag} to the notifier the tag names, through the outbox, and answers 200', async () => {
    const res = await notify(JSON.stringify({ title: 'disk full', body: '/var at 99%', type: 'warning', tag: 'mail' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ queued: true, alert: expect.any(String), notifiers: ['mail'] });
    expect(await delivered(1)).toEqual(['/mail disk full']);
    expect(sink.json()[0]).toMatchObject({ message: '/var at 99%', type: 'warning' });
  });

  it.each([
    ['a tag group', 'devops', ['/chat t', '/ops t']],
    ['comma = OR', 'mail, ops', ['/mail t', '/ops t']],
    ['space = AND', 'devops people', ['/chat t']],
    ['all', 'all', ['/chat t', '/mail t', '/ops t']],
  ])('resolves %s', async (_what, tag, expected) => {
    expect((await notify(JSON.stringify({ title: 't', body: 'b', tag }))).status).toBe(200);
    expect(await delivered(expected.length)).toEqual(expected);
  });

  it('takes a form body, the way apprise:// sends by default, with the tag list as repeated keys', async () => {
    const res = await notify('title=from+form&body=hello&type=failure&format=text&tag=mail&tag=ops', {
      type: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(await delivered(2)).toEqual(['/mail from form', '/ops from form']);
    expect(sink.json()[0]).toMatchObject({ type: 'failure' });
  });

  it('takes the request the apprise:// plugin makes (POST /notify, X-Apprise-Config-ID, Basic auth, form, Accept: JSON)', async () => {
    const res = await fetch(`http://${app.httpAddress}/notify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-apprise-config-id': 'devops',
        'x-apprise-id': 'b4e3-uid',
        'x-apprise-recursion-count': '1',
        authorization: `Basic ${Buffer.from(`relay:${SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ title: 'from apprise', body: 'sent by the CLI', type: 'success', format: 'text' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await delivered(2)).toEqual(['/chat from apprise', '/ops from apprise']);
  });

  it('takes a JSON list of tags (OR)', async () => {
    expect((await notify(JSON.stringify({ title: 't', body: 'b', tag: ['mail', 'ops'] }))).status).toBe(200);
    expect(await delivered(2)).toEqual(['/mail t', '/ops t']);
  });

  it('reads the config key from the path (/notify/KEY) or X-Apprise-Config-ID as one more tag', async () => {
    expect((await notify(JSON.stringify({ title: 'by path', body: 'b' }), { path: '/notify/people' })).status).toBe(200);
    expect(
      (await notify(JSON.stringify({ title: 'by header', body: 'b', tag: 'devops' }), { headers: { 'x-apprise-config-id': 'people' } }))
        .status,
    ).toBe(200);
    expect(await delivered(3)).toEqual(['/chat by header', '/chat by path', '/mail by path']);
  });

  it('sends a message without tag or key to http.notify.default', async () => {
    expect((await notify(JSON.stringify({ body: 'no tag' }))).status).toBe(200);
    await sink.waitFor(1);
    expect(sink.received.map((r) => r.url)).toEqual(['/ops']);
  });

  it.each([
    ['no body', { title: 't' }, 'body is required'],
    ['a bad type', { body: 'b', type: 'panic' }, 'type must be one of info, success, warning, failure'],
    ['a bad format', { body: 'b', format: 'pdf' }, 'format must be one of text, markdown, html'],
    ['an unknown tag', { body: 'b', tag: 'nobody' }, 'unknown tag "nobody": use a notifier\'s name, a tag of http.notify.tags, or all'],
    ['tags that select nothing', { body: 'b', tag: 'mail ops' }, 'the tags given select no notifier that can send'],
    ['a tag with odd characters', { body: 'b', tag: 'ops;rm' }, 'tag "ops;rm" has characters a tag cannot have (letters, digits, _ . -)'],
    [
      'urls in the body (http.notify.allow_urls is false)',
      { body: 'b', urls: 'json://evil.example/' },
      'urls are not accepted (http.notify.allow_urls is false): name the notifiers with tag (or a config key)',
    ],
    ['attachments', { body: 'b', attach: 'file:///etc/passwd' }, 'attachments are not supported'],
  ])('refuses %s with 400 and sends nothing', async (_what, payload, message) => {
    const res = await notify(JSON.stringify(payload));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, code: 'RELAY_E_HTTP_NOTIFY', error: 'Bad Request', message });
    expect(app.dispatcher.stats.queued).toBe(0);
  });

  it('with allow_urls, sends to the notifiers configured with the URLs given, and refuses any other URL without repeating it', async () => {
    await app.stop();
    app = new App(
      parseConfig(
        `
notifiers: { ops: "${sink.url('/ops')}", mail: "${sink.url('/mail')}" }
http: { address: "127.0.0.1:0", tokens: { scripts: "${SECRET}" }, notify: { allow_urls: true } }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      ),
      { log: silentLogger },
    );
    await app.start();
    const res = await notify(
      new URLSearchParams({ urls: `${sink.url('/mail')}, ${sink.url('/ops')}`, title: 'stateless', body: 'b' }).toString(),
      { type: 'application/x-www-form-urlencoded' },
    );
    expect(res.status).toBe(200);
    expect(await delivered(2)).toEqual(['/mail stateless', '/ops stateless']);
    const other = await notify(JSON.stringify({ urls: ['json://10.0.0.1:8080/secret-path'], body: 'b' }));
    expect(other.status).toBe(400);
    const text = await other.text();
    expect(text).toContain('urls[0] is not the URL of a configured notifier');
    expect(text).not.toContain('secret-path');
  });

  it('refuses a body that is not an object with 415 (JSON array, plain text) or an unknown content type', async () => {
    expect((await notify('[1]')).status).toBe(415);
    expect((await notify('hello', { type: 'text/plain' })).status).toBe(415);
    expect((await notify('<x/>', { type: 'application/xml' })).status).toBe(415);
  });
});
