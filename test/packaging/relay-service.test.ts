// packaging/relay.service passes `systemd-analyze verify` without a single remark, and keeps its hardening
// (`systemd-analyze security` exposure stays low). Neither needs systemd running.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.ts';
import { ROOT } from '../helpers/run-cli.ts';

const run = promisify(execFile);

describeWithTools(['systemd-analyze'], 'packaging/relay.service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // verify also checks that ExecStart's and ExecReload's program exists; relay is not installed in /usr/bin
  // on a test machine, so those paths point at the checkout's bin/relay.js. Everything else is the shipped file.
  const unit = join(dir, 'relay.service');
  const shipped = readFileSync(join(ROOT, 'packaging', 'relay.service'), 'utf8');
  writeFileSync(unit, shipped.replace(/^(ExecStart|ExecReload)=\/usr\/bin\/relay /gm, `$1=${join(ROOT, 'bin', 'relay.js')} `));

  it('verifies cleanly', async () => {
    expect(shipped).toMatch(/^ExecStart=\/usr\/bin\/relay run --config \/etc\/relay\/config.yaml$/m);
    // A reload that is refused fails `systemctl reload` (kill -HUP would exit 0 whatever relay thought of it).
    expect(shipped).toMatch(/^ExecReload=\/usr\/bin\/relay reload --config \/etc\/relay\/config.yaml$/m);
    const r = await run('systemd-analyze', ['verify', '--man=no', unit]);
    expect(`${r.stdout}${r.stderr}`).toBe('');
  });

  it('is hardened: exposure at most 2.5 of 10', async () => {
    const r = await run('systemd-analyze', ['security', '--offline=yes', unit]);
    const exposure = Number(/Overall exposure level for relay\.service: ([\d.]+)/.exec(r.stdout)?.[1]);
    expect(exposure).toBeLessThanOrEqual(2.5);
  });
});
