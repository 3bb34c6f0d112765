// What the real-sudo tests need: sudo, make and a C compiler on PATH, and root (to edit sudo.conf).
// Locally anything missing skips with the reason; under CI=true it fails, like test/helpers/tools.ts.
import { describe, it } from 'vitest';
import { missingTools } from '../helpers/tools.ts';

export function describeWithSudo(name: string, body: () => void): void {
  const missing = missingTools(['sudo', 'make', 'cc']);
  if (process.getuid?.() !== 0) missing.push('root privileges');
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has sudo, make, cc and root', () => {
        throw new Error(`missing on this CI machine: ${missing.join(', ')}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${missing.join(', ')} not available)`, body);
  }
}
