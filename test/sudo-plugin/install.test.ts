// sudo-plugin/install.sh and uninstall.sh on the real sudo: uninstall leaves sudo.conf byte for byte as it
// was before install (or absent, if it was) when nothing else changed it, and removes the directories
// install created that are still empty; when someone else changed sudo.conf, only relay's line goes.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { installPlugin, runSudo, uninstallPlugin } from './plugin-install.ts';
import { SudoConfGuard } from './sudo-conf-guard.ts';
import { describeWithSudo } from './sudo-env.ts';

// No trailing newline and a Plugin-free file: install must add the explicit sudoers lines, so only a
// real restore gives these bytes back.
const BEFORE = '# sudo.conf as an admin left it\nSet disable_coredump true\n# no newline at the end';

describeWithSudo('sudo-plugin install.sh / uninstall.sh', () => {
  let guard: SudoConfGuard;
  let dir: string;
  let prefix: string;
  const conf = '/etc/sudo.conf';

  beforeAll(() => {
    guard = new SudoConfGuard(conf);
  });
  afterAll(() => guard.dispose());
  afterEach(() => {
    guard.restore();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-install-'));
    prefix = join(dir, 'usr');
  };

  it('restores sudo.conf byte for byte after two installs, and removes the directories it created', async () => {
    fresh();
    writeFileSync(conf, BEFORE);
    installPlugin(prefix, { socket: join(dir, 'a.sock') });
    installPlugin(prefix, { socket: join(dir, 'b.sock'), timeout_ms: 20 });
    const installed = readFileSync(conf, 'utf8');
    expect(installed).toMatch(/^Plugin sudoers_policy sudoers.so$/m);
    expect(installed).toMatch(
      new RegExp(`^Plugin relay_audit ${prefix}/libexec/sudo/relay_audit.so socket=${dir}/b.sock timeout_ms=20$`, 'm'),
    );

    expect(uninstallPlugin(prefix)).toContain('restored as it was before install');
    expect(readFileSync(conf, 'utf8')).toBe(BEFORE);
    expect(existsSync(prefix)).toBe(false);
    expect(existsSync(`${conf}.relay-orig`) || existsSync(`${conf}.relay-install`)).toBe(false);
    expect((await runSudo(['-n', '/bin/true'])).status).toBe(0);
  });

  it('removes sudo.conf again when there was none', async () => {
    fresh();
    rmSync(conf);
    installPlugin(prefix, { socket: join(dir, 's.sock') });
    expect(existsSync(conf)).toBe(true);
    uninstallPlugin(prefix);
    expect(existsSync(conf)).toBe(false);
    expect((await runSudo(['-n', '/bin/true'])).status).toBe(0);
  });

  it("when sudo.conf changed after install, removes only relay's line; keeps a directory that is not empty", () => {
    fresh();
    writeFileSync(conf, BEFORE);
    installPlugin(prefix, { socket: join(dir, 's.sock') });
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}# added by an admin after install\n`);
    mkdirSync(join(prefix, 'libexec', 'other'));

    expect(uninstallPlugin(prefix)).toContain('changed since install, so only the relay_audit line was removed');
    const after = readFileSync(conf, 'utf8');
    expect(after).not.toMatch(/relay_audit/);
    expect(after).toContain('# added by an admin after install');
    expect(after).toMatch(/^Plugin sudoers_policy sudoers.so$/m);
    expect(existsSync(join(prefix, 'libexec', 'sudo'))).toBe(false);
    expect(existsSync(join(prefix, 'libexec', 'other'))).toBe(true);
  });
});
