// Relative paths in config.yaml follow the config file, not the directory relay was started in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/plan/load-plan.ts';

describe('paths in config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-paths-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves state_dir, unix socket, spool and ${file:} against the config file's directory", () => {
    writeFileSync(join(dir, 'hook-token'), 'tok3n\n');
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `
listeners:
  - { name: sudo, type: unix, format: sudo, address: ./run/sudo.sock, spool: spool/sudo.jsonl }
  - { name: abs, type: unix, address: /run/relay/other.sock }
  - { name: tcp, type: tcp, address: "127.0.0.1:5514" }
notifiers: { hook: "json://127.0.0.1:9/\${file:hook-token}" }
state_dir: ./var
`,
    );
    const c = loadConfigFile(file, {});
    expect(c.state_dir).toBe(join(dir, 'var'));
    expect(c.listeners[0]).toMatchObject({ address: join(dir, 'run', 'sudo.sock'), spool: join(dir, 'spool', 'sudo.jsonl') });
    expect(c.listeners[1]).toMatchObject({ address: '/run/relay/other.sock' });
    expect(c.listeners[2]).toMatchObject({ address: '127.0.0.1:5514' });
    expect(c.notifiers.hook).toBe('json://127.0.0.1:9/tok3n');
  });

  it('names the file it looked for when a relative ${file:} is missing', () => {
    const file = join(dir, 'missing.yaml');
    writeFileSync(file, 'notifiers: { hook: "json://127.0.0.1:9/${file:nope}" }\n');
    expect(() => loadConfigFile(file, {})).toThrow(join(dir, 'nope'));
  });
});
