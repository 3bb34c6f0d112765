import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.ts';
import { alert } from '../delivery/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('relay outbox', () => {
  it('shows what waits per notifier with its last error, and with --dead what was given up and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-outbox-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `notifiers: { hook: "json://127.0.0.1:9/x" }\nstate_dir: ${join(dir, 'state')}\n`);
    const outbox = Outbox.open(join(dir, 'state'));
    outbox.add([1, 2, 3].map((n) => ({ alert: alert(n), notifiers: ['hook'] })), Date.UTC(2026, 10, 23, 12));
    const [first, second] = outbox.head('hook', 2);
    outbox.retryLater([first!], Date.UTC(2026, 10, 23, 13), 'rate limited (HTTP 429)');
    outbox.bury([second!], 'provider answered HTTP 400: bad payload', Date.UTC(2026, 10, 23, 12, 5));
    outbox.close();

    const r = await runCli(['outbox', '--config', config, '--dead']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hook: 2 waiting since 2026-11-23T12:00:00.000Z, next try 2026-11-23T13:00:00.000Z after 1 failed');
    expect(r.stdout).toContain('last error: rate limited (HTTP 429)');
    expect(r.stdout).toMatch(/dead alerts[\s\S]*hook {2}\[r\] t2\n {4}provider answered HTTP 400: bad payload/);
  });
});
