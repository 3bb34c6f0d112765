// The people directory's config: inline, from a YAML or CSV people_file (relative to config.yaml), capped and
// checked like every section, with each problem at its file:line:col — in people_file's own lines too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.ts';
import { loadConfigFile, parseConfig } from '../../src/plan/load-plan.ts';
import { Directory } from '../../src/people/directory.ts';

const BASE = `
http: { address: 127.0.0.1:9514 }
notifiers:
  bot: slack://xoxb-1-2-abc
  mail: mailto://relay:pw@smtp.example.com?from=relay@example.com
  hook: json://127.0.0.1:9/x
answers: { secret: 0123456789abcdef0123456789abcdef, url: "https://relay.example.com/" }
`;

describe('people config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-people-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(yaml: string, files: Record<string, string> = {}) {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'config.yaml'), yaml);
    return loadConfigFile(join(dir, 'config.yaml'));
  }
  function problems(yaml: string, files: Record<string, string> = {}): string[] {
    try {
      load(yaml, files);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.map((p) => `${p.file.replace(dir, 'DIR')}:${p.line}:${p.col}: ${p.message}`);
      throw e;
    }
    return [];
  }

  it('joins the inline directory, a YAML people_file and a CSV one into one directory with host owners', () => {
    const yaml = load(`${BASE}people:\n  alice: { slack: U0ALICE1, email: alice@example.com, pronoun: she }\npeople_file: people.yaml\n`, {
      'people.yaml': 'people:\n  bob: { name: Bob Stone, email: bob@example.com }\nhost_owners:\n  "db*": bob\n',
    });
    const directory = new Directory(yaml);
    expect(directory.person('alice')).toMatchObject({ user: 'alice', name: 'alice', slack: 'U0ALICE1', pronoun: 'she' });
    expect(directory.person('bob')).toMatchObject({ name: 'Bob Stone', pronoun: 'they' });
    expect(directory.owners('DB7')).toEqual(['bob']);
    const csv = load(`${BASE}people_file: people.csv\n`, {
      'people.csv': 'user,name,slack,email,hosts,ntfy\ncarol,"Carol, Ops",U0CAROL1,carol@example.com,web1 web-*,carol-topic\n',
    });
    const fromCsv = new Directory(csv);
    expect(fromCsv.person('carol')).toMatchObject({ name: 'Carol, Ops', email: 'carol@example.com', handles: { ntfy: 'carol-topic' } });
    expect(fromCsv.owners('web-3')).toEqual(['carol']);
    expect(fromCsv.owners('web1')).toEqual(['carol']);
  });

  it("reports people_file's problems at their own file:line:col, with config.yaml's", () => {
    expect(
      problems(`${BASE}people_file: people.yaml\n`, {
        'people.yaml': 'people:\n  alice:\n    slack: alice\n    emial: a@example.com\n',
      }),
    ).toEqual([
      'DIR/people.yaml:3:12: people.alice.slack: a Slack user ID, e.g. U012ABCDEF (profile → ⋮ → Copy member ID)',
      'DIR/people.yaml:4:5: unknown key "emial" in people.alice',
    ]);
    expect(
      problems(`${BASE}people_file: people.csv\n`, {
        'people.csv': 'user,email\nalice,not-an-address\nalice,a@example.com\n',
      }),
    ).toEqual([
      'DIR/people.csv:2:7: alice: email: an email address, e.g. alice@example.com',
      'DIR/people.csv:3:1: user "alice" is listed twice',
    ]);
    expect(problems(`${BASE}people_file: missing.yaml\n`)).toEqual([
      'DIR/missing.yaml:1:1: cannot read people_file: no such file or directory (ENOENT)',
    ]);
    expect(problems(`${BASE}people:\n  alice: {}\npeople_file: people.yaml\n`, { 'people.yaml': 'people:\n  alice: {}\n' })).toEqual([
      expect.stringMatching(
        /^DIR\/config.yaml:9:10: people.alice: alice is also in people_file .*people.yaml; keep each person in one place$/,
      ),
    ]);
  });

  it('checks rules that address people: who, via, ask, escalate, and the sections an ask needs', () => {
    const rules = `
people: { alice: { email: alice@example.com } }
host_owners: { "web*": [alice, mallory] }
rules:
  - name: r
    notify: [bot]
    notify_person: { who: user, via: [hook, ghost] }
    ask: { question: "{{#if}}", timeout: 5m, escalate: [bot] }
  - name: s
    notify: [hook]
    ask: { question: q, timeout: 5m, escalate: [hook] }
`;
    expect(problems(`notifiers:\n  bot: slack://xoxb-1-2-abc\n  hook: json://127.0.0.1:9/x\n${rules}`)).toEqual([
      'DIR/config.yaml:6:24: host_owners.web*: owner "mallory" is not in the people directory',
      "DIR/config.yaml:9:14: rules[0].notify[0]: bot reaches one person at a time (notify_person's via), not a channel",
      'DIR/config.yaml:10:27: rules[0].notify_person.who: who is a field holding a user name (fields.user) or "owner" (the host\'s owners), not "user"',
      'DIR/config.yaml:10:39: rules[0].notify_person.via[0]: hook posts to a channel and cannot reach one person; use a Slack bot (slack://xoxb-…), mailto://, or a URL with a {person.NAME} part',
      'DIR/config.yaml:10:45: rules[0].notify_person.via[1]: unknown notifier "ghost" (defined: bot, hook)',
      'DIR/config.yaml:11:5: rules[0].ask: ask needs an answers: section (secret, url) to sign answer links',
      "DIR/config.yaml:11:5: rules[0].ask: ask needs http: (answers come to relay's HTTP endpoint)",
      expect.stringMatching(/^DIR\/config.yaml:11:22: rules\[0\].ask.question: template does not parse/),
      'DIR/config.yaml:11:57: rules[0].ask.escalate[0]: bot reaches one person at a time, not a channel: escalate to a channel',
      'DIR/config.yaml:14:5: rules[1].ask: ask needs notify_person: whom to ask',
      'DIR/config.yaml:14:5: rules[1].ask: ask needs an answers: section (secret, url) to sign answer links',
      "DIR/config.yaml:14:5: rules[1].ask: ask needs http: (answers come to relay's HTTP endpoint)",
    ]);
  });

  it("docs/people.md's worked example is a valid config", () => {
    const doc = readFileSync(new URL('../../docs/people.md', import.meta.url), 'utf8');
    const yaml = doc.split('## Worked example')[1]!.split('```yaml')[1]!.split('```')[0]!;
    writeFileSync(join(dir, 'secret'), 'a'.repeat(64));
    writeFileSync(join(dir, 'people.csv'), 'user,slack,email\nalice,U012ABCDEF,alice@example.com\n');
    const text = yaml
      .replace(/\/etc\/relay\/(answer-secret|smtp-password)/g, join(dir, 'secret'))
      .replace('/etc/relay/people.csv', join(dir, 'people.csv'));
    const config = parseConfig(text, join(dir, 'config.yaml'), {
      SLACK_BOT_TOKEN: '1-2-abc',
      SLACK_SIGNING_SECRET: 'signing',
      RELAY_NOTIFY_URL: 'json://127.0.0.1:9/x',
    });
    expect(config.rules[0]!.ask).toMatchObject({ timeout: 900_000, escalate: ['security', 'ops'] });
  });

  it('caps the directory and wants a long answer secret', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => `  u${i}: {}`).join('\n');
    expect(problems(`people:\n${many}\n`)).toEqual(['DIR/config.yaml:2:3: people: more than 10000 people; relay keeps at most that many']);
    expect(problems('http: { address: 127.0.0.1:9514 }\nanswers: { secret: short, url: https://relay.example.com }\n')).toEqual([
      'DIR/config.yaml:2:20: answers.secret: the answer secret needs at least 32 characters (e.g. `openssl rand -hex 32`)',
    ]);
  });
});
