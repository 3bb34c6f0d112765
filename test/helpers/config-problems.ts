// What parseConfig says is wrong with a YAML text, as `line:col: message` strings; [] when it is valid.
import { ConfigError } from '../../src/config/load.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';

export function configProblems(yaml: string, file = 'c.yaml'): string[] {
  try {
    parseConfig(yaml, file, {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    throw e;
  }
  return [];
}
