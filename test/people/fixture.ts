// The people tests' world on loopback: a Slack (bot DMs, signed button presses), an SMTP server, a security
// and an ops webhook, and a config with alice and bob, a sudo rule that asks on web* hosts, and relay's HTTP
// endpoint on a known port (answer links must point at it before it starts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pressButton } from '../notifiers/servers/slack.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/app.ts';
import type { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import type { Config } from '../../src/config/schema.ts';
import type { RelayEvent } from '../../src/event.ts';
import type { Logger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { freePort } from '../helpers/net.ts';
import { startSlack, type FakeSlack } from '../notifiers/servers/slack.ts';
import { startSmtp, type FakeSmtp } from '../notifiers/servers/smtp.ts';

export const BOT = 'xoxb-9999-8888-relaybot';
export const SIGNING = 'slack-signing-secret-for-tests';
export const SECRET = 'answer-secret-0123456789abcdef0123456789';
export const ALICE = 'U0ALICE1';
export const BOB = 'U0BOB22';

export interface World {
  dir: string;
  slack: FakeSlack;
  smtp: FakeSmtp;
  security: HttpSink;
  ops: HttpSink;
  httpPort: number;
  config: Config;
  /** The same config as a file, for `relay` run as a process. */
  configFile: string;
  close(): Promise<void>;
}

/** `extra.notifiers` and `extra.rules`: YAML lines added to those sections (indented as they are). */
export async function startWorld(extra: { notifiers?: string; rules?: string; top?: string } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-people-'));
  const [slack, smtp, security, ops, httpPort] = await Promise.all([
    startSlack('A/B/C', BOT),
    startSmtp({ user: 'relay', pass: 'pw' }),
    new HttpSink().start(),
    new HttpSink().start(),
    freePort(),
  ]);
  process.env.RELAY_SLACK_API_URL = `${slack.url}/api`;
  process.env.RELAY_SLACK_HOOKS_URL = slack.url;
  const text = `
http: { address: 127.0.0.1:${httpPort} }
notifiers:
  slack-bot: slack://${BOT}
  mail: mailto://relay:pw@127.0.0.1:${smtp.port}?from=relay@example.com&cc=audit@example.com
  security: ${security.url()}
  ops: ${ops.url()}
${extra.notifiers ?? ''}
people:
  alice: { name: Alice Liddell, slack: ${ALICE}, email: alice@example.com, pronoun: she, handles: { push: alice-phone } }
  bob: { name: Bob Stone, slack: ${BOB}, email: bob@example.com }
answers:
  secret: ${SECRET}
  url: http://127.0.0.1:${httpPort}
  slack_signing_secret: ${SIGNING}
rules:
  - name: sudo-production
    match: { app: sudo, host: "/^web\\\\d+$/" }
    notify: [ops]
    notify_person: { who: fields.user, via: [slack-bot, mail] }
    title: "sudo on {{host}}: {{fields.user}}"
    body: "{{fields.command}}"
    ask:
      question: "Did you run {{fields.command}} on {{host}}?"
      timeout: 15m
      on_yes: { quiet_for: 1h }
      escalate: [security]
      denied: "{{person.user}} says {{person.pronoun}} did not run {{fields.command}} on {{host}}"
${extra.rules ?? ''}
${extra.top ?? ''}
state_dir: ${dir}
`;
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, text);
  const config = parseConfig(text, configFile);
  return {
    dir,
    slack,
    smtp,
    security,
    ops,
    httpPort,
    config,
    configFile,
    async close() {
      delete process.env.RELAY_SLACK_API_URL;
      delete process.env.RELAY_SLACK_HOOKS_URL;
      await Promise.all([slack.close(), smtp.close(), security.stop(), ops.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function startApp(world: World, clock: ManualClock, log: Logger): Promise<App> {
  const app = new App(world.config, { log, clock });
  return app.start().then(() => app);
}

/** sudo's own syslog line for a call by `user` on `host`. */
export function sudoLine(clock: ManualClock, user: string, host: string, command: string): RelayEvent {
  return {
    receivedAt: new Date(clock.now()),
    listener: 'test',
    kind: 'syslog',
    host,
    app: 'sudo',
    severity: 5,
    message: `${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`,
    fields: {},
  };
}

/** The answer link for `answer` in the mail relay sent (quoted-printable undone). */
export function mailLink(raw: string, answer: 'yes' | 'no'): string {
  const text = raw.replace(/=3D/g, '=');
  const m = new RegExp(`${answer === 'yes' ? 'Yes, it was me' : 'No, it was not me'}: (\\S+)`).exec(text);
  if (!m) throw new Error(`no ${answer} link in mail:\n${text}`);
  return m[1]!;
}

/** The token a DM's button carries. */
export function buttonToken(message: Record<string, any>, answer: 'yes' | 'no'): string {
  const actions = (message.blocks as any[]).find((b) => b.type === 'actions');
  return actions.elements.find((e: any) => e.action_id === `relay_answer_${answer}`).value as string;
}

/** alice presses a DM's button, signed as Slack signs it, at relay's clock; resolves with relay's answer. */
export function pressInSlack(world: World, clock: ManualClock, dm: Record<string, any>, answer: 'yes' | 'no') {
  return pressButton({
    url: `http://127.0.0.1:${world.httpPort}/slack/actions`,
    signingSecret: SIGNING,
    responseUrl: `${world.slack.url}/actions/T0RELAY/1/abc`,
    userId: ALICE,
    actionId: `relay_answer_${answer}`,
    value: buttonToken(dm, answer),
    timestamp: Math.floor(clock.now() / 1000),
  });
}

/** How long a test waits for a delivery over loopback (SMTP, Slack) before failing: generous for a loaded 2-core host. */
export const WAIT = { timeout: 10_000 };
