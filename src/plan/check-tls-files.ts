// A TLS listener's cert, key and ca are files: `relay check` (and every load) says at the key's place in
// config.yaml when one cannot be read or when they do not make a usable pair, before anything binds a port.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { secureContext } from '../sources/tls.ts';
import { osErrorText } from '../os-error.ts';

export function tlsFileProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.listeners.forEach((l, i) => {
    if (l.type !== 'tls') return;
    let readable = true;
    for (const key of ['cert', 'key', 'ca'] as const) {
      const path = l[key];
      if (path === undefined) continue;
      try {
        readFileSync(path);
      } catch (err) {
        readable = false;
        problems.push({ path: ['listeners', i, key], message: `cannot read ${path}: ${osErrorText(err)}` });
      }
    }
    if (!readable) return;
    try {
      secureContext(l);
    } catch (err) {
      problems.push({ path: ['listeners', i, 'cert'], message: (err as Error).message });
    }
  });
  return problems;
}
