// `relay notifiers`: the schemes relay understands, from the modules' own declarations.
import { UNIT_NAMES } from '../../notifiers/overflow.ts';
import { listSchemes } from '../../notifiers/registry.ts';

export function listNotifiers(out: NodeJS.WritableStream): void {
  for (const s of listSchemes()) {
    const limits = `title ≤ ${s.limits.title}, body ≤ ${s.limits.body} ${UNIT_NAMES[s.limits.unit]}${s.limits.titleInBody ? ' (title inside body)' : ''}`;
    out.write(`${s.service} (${s.schemes.map((x) => `${x}://`).join(', ')}) — ${limits}\n`);
    for (const form of s.forms) out.write(`    ${form}\n`);
    if (s.options.length > 0) out.write(`    options: ${s.options.join(', ')}\n`);
  }
  out.write('Every URL also takes overflow=truncate|split|upstream. Details: notifiers/README.md\n');
}
