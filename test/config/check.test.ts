import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers/run-cli.ts';

const FIVE_MISTAKES = `listeners:
  - name: a
    type: udp
    address: 127.0.0.1:5514
  - name: b
    type: udp
    address: 127.0.0.1:5514
notifiers:
  hook: json://127.0.0.1:9/x
  bad: nope://x
rules:
  - name: r1
    match:
      message: /unclosed(/
    notify: [hook, ghost]
    colour: red
`;

describe('relay check', () => {
  it('reports five distinct mistakes as five file:line:col lines and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-check-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, FIVE_MISTAKES);
    const r = await runCli(['check', '--config', file]);
    expect(r.code).toBe(1);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith(file));
    expect(lines).toEqual([
      `${file}:7:14: listeners[1].address: address 127.0.0.1:5514 (udp) is already used by listener a (127.0.0.1:5514)`,
      `${file}:10:8: notifiers.bad: unknown notifier scheme nope:// (see \`relay notifiers\`)`,
      expect.stringMatching(new RegExp(`^${file}:14:16: rules\\[0\\]\\.match\\.message: bad regular expression`)),
      `${file}:15:20: rules[0].notify[1]: unknown notifier "ghost" (defined: hook, bad)`,
      `${file}:16:5: unknown key "colour" in rules[0]`,
    ]);
  });

  it('exits 0 on the shipped config.yaml', async () => {
    const r = await runCli(['check', '--config', join(ROOT, 'config.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
