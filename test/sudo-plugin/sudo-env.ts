// What the real-sudo tests need: sudo, make and a C compiler on PATH, root (to edit sudo.conf), and the
// other tools a test names (syslog-ng, openssl, …).
// Locally anything missing skips with the reason; under CI=true it fails, like test/helpers/tools.ts.
import { describe, it } from 'vitest';
import { missingTools } from '../helpers/tools.ts';

export function describeWithSudo(name: string, body: () => void, tools: readonly string[] = []): void {
  const missing = missingTools(['sudo', 'make', 'cc', ...tools]);
  if (process.getuid?.() !== 0) missing.push('root privileges');
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has sudo, make, cc${tools.map((t) => `, ${t}`).join('')} and root`, () => {
        throw new Error(`missing on this CI machine: ${missing.join(', ')}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${missing.join(', ')} not available)`, body);
  }
}
