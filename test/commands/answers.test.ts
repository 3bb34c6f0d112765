// `relay answers` reads only state_dir: an operator's shell without the config's secrets (webhook tokens,
// the answers secret, in environment variables the service has) still lists the questions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'relay-answers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists from state_dir though the config names secrets this shell does not have', async () => {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `
notifiers:
  hook: "json://127.0.0.1:9/\${env:RELAY_TEST_UNSET_TOKEN}"
rules: [{ name: all, match: {}, notify: [hook] }]
state_dir: state
`,
  );
  const checked = await runCli(['check', '--config', config]);
  expect(checked.code).toBe(1);
  expect(checked.stderr + checked.stdout).toContain('RELAY_TEST_UNSET_TOKEN');
  const listed = await runCli(['answers', '--config', config]);
  expect(listed.stderr).toBe(`relay: using config ${config} (from --config)\n`);
  expect(listed.stdout).toBe(`no questions: ${join(dir, 'state', 'state.db')} does not exist yet\n`);
  expect(listed.code).toBe(0);
});

it('still refuses a state_dir it cannot read from the config, at its line', async () => {
  const config = join(dir, 'bad.yaml');
  writeFileSync(config, 'notifiers: {}\nstate_dir: ""\n');
  const listed = await runCli(['answers', '--config', config]);
  expect(listed.code).toBe(1);
  expect(listed.stderr).toMatch(new RegExp(`${config}:2:\\d+: .*state_dir`));
});
