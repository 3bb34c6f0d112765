import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-silence-cli-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `state_dir: ${join(dir, 'var')}
notifiers: { ops: "console://" }
rules:
  - { name: auth-failure, notify: [ops] }
silences:
  - match: { host: lab1 }
    ends: 2999-01-01T00:00:00Z
    comment: lab rebuild
`,
  );
  return config;
}

describe('relay silence', () => {
  it('adds a silence that list shows and expire ends, kept across processes', async () => {
    const config = setup();
    const add = await runCli([
      'silence',
      'add',
      '--match',
      'rule=auth-failure',
      '--match',
      'fields.user=root',
      '--for',
      '2h',
      '--comment',
      'pen test',
      '--config',
      config,
    ]);
    expect(add.stderr).toBe(`relay: using config ${config} (from --config)\n`);
    expect(add.code).toBe(0);
    const id = /^([0-9a-f]{8}): silencing \{"rule":"auth-failure","fields.user":"root"\} until /.exec(add.stdout)?.[1];
    expect(id).toBeDefined();

    const list = await runCli(['silence', 'list', '--config', config]);
    expect(list.stdout).toMatch(/^ID\s+STATE\s+ENDS\s+SILENCED\s+MATCH\s+BY\s+COMMENT\n/);
    expect(list.stdout).toMatch(/^config:0\s+active\s+2999-01-01T00:00:00Z\s+-\s+\{"host":"lab1"\}\s+config\s+lab rebuild$/m);
    expect(list.stdout).toMatch(
      new RegExp(`^${id}\\s+active\\s+\\S+\\s+0\\s+\\{"rule":"auth-failure","fields.user":"root"\\}\\s+\\S+\\s+pen test$`, 'm'),
    );

    const expire = await runCli(['silence', 'expire', id!, '--config', config]);
    expect(expire.stdout).toBe(`${id}: expired\n`);
    expect((await runCli(['silence', 'list', '--config', config])).stdout).not.toContain(id!);
    expect((await runCli(['silence', 'list', '--all', '--config', config])).stdout).toMatch(new RegExp(`^${id}\\s+expired`, 'm'));
  });

  it('refuses bad matchers and durations, naming each, with exit 2', async () => {
    const config = setup();
    const r = await runCli([
      'silence',
      'add',
      '--match',
      'rule=nope',
      '--match',
      'colour=red',
      '--match',
      'message=/(/',
      '--match',
      'oops',
      '--for',
      'forever',
      '--config',
      config,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `relay: using config ${config} (from --config)`,
      '--match "oops": write field=value, e.g. host=web1 or fields.user=root',
      '--match rule: unknown rule "nope"',
      expect.stringMatching(/^--match colour: unknown field "colour"/),
      expect.stringMatching(/^--match message: bad regular expression/),
      '--for "forever": not a duration (e.g. 30m, 2h, 1d)',
    ]);
  });

  it('says when there is no such silence', async () => {
    const r = await runCli(['silence', 'expire', 'deadbeef', '--config', setup()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no silence with id deadbeef');
  });
});
