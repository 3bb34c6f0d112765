// `relay notifiers`: the schemes relay understands, from the modules' own declarations.
import { MODULES } from '../../notifiers/registry.ts';

export function listNotifiers(out: NodeJS.WritableStream): void {
  for (const m of MODULES) {
    out.write(`${m.service} (${m.schemes.map((s) => `${s}://`).join(', ')})\n`);
    for (const form of m.forms) out.write(`    ${form}\n`);
  }
}
