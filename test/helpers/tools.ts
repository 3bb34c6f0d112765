// System tests drive real tools (syslog-ng, loggen, sudo). Locally a missing tool skips them with a reason;
// under CI=true it fails them, so a CI machine that lacks a tool can never pass by skipping.
import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';

export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** `describe` that needs real tools on PATH. */
export function describeWithTools(tools: readonly string[], name: string, body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has its tools installed (${tools.join(', ')})`, () => {
        throw new Error(`missing on this CI machine: ${missing.join(', ')} (install them in .ci/run)`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${missing.join(', ')} not installed)`, body);
  }
}
