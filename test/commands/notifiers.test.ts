import { describe, expect, it } from 'vitest';
import { listSchemes } from '../../notifiers/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

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
});
