import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listSchemes } from '../../notifiers/registry.ts';
import { CLI, ROOT, runCli } from '../helpers/run-cli.ts';

describe('relay notifiers', () => {
  it('lists every registered scheme with its URL forms, from the modules themselves', async () => {
    const r = await runCli(['notifiers']);
    expect(r.code).toBe(0);
    for (const s of listSchemes()) {
      for (const scheme of s.schemes) expect(r.stdout).toContain(`${scheme}://`);
      for (const form of s.forms) expect(r.stdout).toContain(form);
    }
    expect(r.stdout).toMatch(/Discord \(discord:\/\/.*\) — title ≤ \d+, body ≤ 2000/);
  });

  it('ends quietly with 0 when its reader has gone (relay notifiers | head -1)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'notifiers'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader closes before relay writes its first line: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
