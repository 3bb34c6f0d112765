// Directed notifications (notify_person without ask): each person hears about their own events only, through
// a Slack DM, a mail to their address, or a URL with a per-person part; someone the directory does not know
// gets nothing and the rule's notify says so; log text can neither choose a recipient nor add links or buttons.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { dmChannel } from '../notifiers/servers/slack.ts';
import { ALICE, BOB, startApp, startWorld, sudoLine, type World, WAIT } from './fixture.ts';

describe('notify_person', () => {
  let world: World;
  let app: App;
  let push: HttpSink;
  const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
  beforeEach(async () => {
    push = await new HttpSink().start();
    world = await startWorld({
      notifiers: `  push: json://127.0.0.1:${push.port}/to/{person.push}`,
      rules: `
  - name: sudo-staging
    match: { app: sudo, host: "/^staging/" }
    notify: [ops]
    notify_person: { who: fields.user, via: [slack-bot, mail] }
    title: "sudo on {{host}} by {{fields.user}}"
    body: "{{fields.command}}"
  - name: kernel-on-owned-host
    match: { app: kernel }
    notify: [ops]
    notify_person: { who: owner, via: [mail, push] }
    title: "{{host}}: {{message}}"`,
      top: 'host_owners:\n  "db*": [bob]\n  "cache-?": [alice, bob]',
    });
    app = await startApp(world, clock, silentLogger);
  });
  afterEach(async () => {
    await app.stop();
    await world.close();
    await push.stop();
  });
  const settled = () => vi.waitFor(() => expect(app.dispatcher.stats.queued).toBe(0), WAIT);

  it('alice and bob each hear about their own sudo calls, and only those', async () => {
    app.accept(sudoLine(clock, 'alice', 'staging1', '/usr/bin/id alice-cmd'));
    app.accept(sudoLine(clock, 'bob', 'staging1', '/usr/bin/id bob-cmd'));
    app.accept(sudoLine(clock, 'alice', 'staging2', '/usr/bin/id alice-cmd-2'));
    await vi.waitFor(() => {
      expect(world.slack.messages).toHaveLength(3);
      expect(world.smtp.mails).toHaveLength(3);
    }, WAIT);
    const dmsTo = (id: string) => world.slack.messages.filter((m) => m.channel === dmChannel(id)).map((m) => JSON.stringify(m));
    expect(dmsTo(ALICE)).toHaveLength(2);
    for (const dm of dmsTo(ALICE)) expect(dm).not.toContain('bob');
    expect(dmsTo(BOB)).toHaveLength(1);
    expect(dmsTo(BOB)[0]).toContain('bob-cmd');
    expect(dmsTo(BOB)[0]).not.toContain('alice');
    for (const mail of world.smtp.mails) {
      expect(mail.to).toHaveLength(1);
      const own = mail.to[0] === 'alice@example.com' ? 'alice-cmd' : 'bob-cmd';
      const other = own === 'alice-cmd' ? 'bob-cmd' : 'alice-cmd';
      expect(mail.raw).toContain(own);
      expect(mail.raw).not.toContain(other);
    }
    await settled();
    expect(world.ops.received).toHaveLength(0);
  });

  it("someone not in the directory is said in the alert to the rule's notify, and nobody is messaged", async () => {
    app.accept(sudoLine(clock, 'carol', 'staging1', '/usr/bin/id'));
    app.accept(sudoLine(clock, 'carol', 'web1', '/usr/bin/id'));
    await world.ops.waitFor(2);
    for (const alert of world.ops.json<{ message: string }>())
      expect(alert.message).toMatch(/^carol: not in the directory\n\/usr\/bin\/id/);
    expect(world.slack.messages).toHaveLength(0);
    expect(world.smtp.mails).toHaveLength(0);
    expect(app.asker!.list()).toHaveLength(0);
  });

  it('log text cannot choose a recipient, nor add links or buttons', async () => {
    // A user field that is an address reaches no one; only directory entries are recipients.
    app.accept({
      ...sudoLine(clock, 'x', 'staging1', '/bin/true'),
      message: 'eve@evil.example : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/true',
    });
    await world.ops.waitFor(1);
    expect(world.ops.json<{ message: string }>()[0]!.message).toMatch(/^eve@evil\.example: not in the directory/);
    // A command crafted to look like a link, a mention and an answer button stays text in alice's question.
    app.accept(sudoLine(clock, 'alice', 'web1', '/bin/echo <https://evil.example/answer|Yes, it was me> <!channel> @here'));
    await vi.waitFor(() => expect(world.slack.messages).toHaveLength(1), WAIT);
    const dm = world.slack.messages[0]!;
    // mrkdwn (where Slack makes links) has it escaped; the header is plain_text, which Slack never parses.
    const mrkdwn = [dm.text, ...(dm.blocks as any[]).filter((b) => b.text?.type === 'mrkdwn').map((b) => b.text.text)];
    for (const text of mrkdwn) expect(text).not.toMatch(/<https:|<!channel>/);
    expect(mrkdwn[1]).toContain('&lt;https://evil.example/answer|Yes, it was me&gt; &lt;!channel&gt;');
    const actions = (dm.blocks as any[]).filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0].elements.map((e: any) => e.action_id)).toEqual(['relay_answer_yes', 'relay_answer_no']);
    await vi.waitFor(() => expect(world.smtp.mails).toHaveLength(1), WAIT);
    // In a plain-text mail the log's text stays text; the answer lines are relay's own, once each, to relay.
    const text = world.smtp.mails[0]!.raw.replace(/=3D/g, '=');
    const answerLines = [...text.matchAll(/^(Yes, it was me|No, it was not me): (\S+)$/gm)].map((m) => m[2]!);
    expect(answerLines).toHaveLength(2);
    for (const link of answerLines) expect(link.startsWith(`http://127.0.0.1:${world.httpPort}/answer?t=`)).toBe(true);
  });

  it("who: owner reaches the host's owners; a per-person URL carries the person's own handle", async () => {
    app.accept({
      receivedAt: new Date(clock.now()),
      listener: 'test',
      kind: 'syslog',
      host: 'db3',
      app: 'kernel',
      message: 'EXT4-fs error',
      fields: {},
    });
    app.accept({
      receivedAt: new Date(clock.now()),
      listener: 'test',
      kind: 'syslog',
      host: 'cache-1',
      app: 'kernel',
      message: 'oom-killer',
      fields: {},
    });
    app.accept({
      receivedAt: new Date(clock.now()),
      listener: 'test',
      kind: 'syslog',
      host: 'mail1',
      app: 'kernel',
      message: 'unowned',
      fields: {},
    });
    await vi.waitFor(() => expect(world.smtp.mails).toHaveLength(3), WAIT);
    expect(world.smtp.mails.map((m) => `${m.to[0]} ${/db3|cache-1/.exec(m.raw)![0]}`).sort()).toEqual([
      'alice@example.com cache-1',
      'bob@example.com cache-1',
      'bob@example.com db3',
    ]);
    // Only alice has a push handle: bob's push part stays empty rather than reaching someone else.
    await push.waitFor(1);
    await settled();
    expect(push.received.map((r) => r.url)).toEqual(['/to/alice-phone']);
    await world.ops.waitFor(1);
    expect(world.ops.json<{ message: string }>()[0]!.message).toMatch(/^mail1: no owner in host_owners/);
  });
});
