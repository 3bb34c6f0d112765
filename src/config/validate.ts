// Checks across sections that the schema alone cannot express: notifier URLs, rule → notifier references,
// duplicate names, listener address clashes, match expressions and templates.
import type { Config } from './schema.ts';
import type { ConfigProblem } from './problems.ts';
import { parseNotifierUrl } from '../../notifiers/registry.ts';
import { compileMatch } from '../pipeline/match.ts';
import { compileTemplate } from '../pipeline/template.ts';

export function crossCheck(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, url] of Object.entries(config.notifiers)) {
    if (url === '') continue; // an optional secret that is not set: the notifier is disabled
    try {
      parseNotifierUrl(url);
    } catch (e) {
      problems.push({ path: ['notifiers', name], message: (e as Error).message });
    }
  }
  duplicates(config.listeners.map((l) => l.name), (i) => problems.push({ path: ['listeners', i, 'name'], message: `listener name ${JSON.stringify(config.listeners[i]!.name)} is used twice` }));
  duplicates(config.rules.map((r) => r.name), (i) => problems.push({ path: ['rules', i, 'name'], message: `rule name ${JSON.stringify(config.rules[i]!.name)} is used twice` }));
  duplicates(config.listeners.map((l) => `${l.type === 'unix' ? 'unix' : l.type}:${l.address}`), (i) =>
    problems.push({ path: ['listeners', i, 'address'], message: `address ${config.listeners[i]!.address} (${config.listeners[i]!.type}) is already used by another listener` }),
  );
  config.rules.forEach((rule, i) => {
    rule.notify.forEach((n, j) => {
      if (!(n in config.notifiers)) {
        problems.push({ path: ['rules', i, 'notify', j], message: `unknown notifier ${JSON.stringify(n)} (defined: ${Object.keys(config.notifiers).join(', ') || 'none'})` });
      }
    });
    compileMatch(rule.match, ['rules', i, 'match'], problems);
    compileTemplate(rule.title, ['rules', i, 'title'], problems);
    compileTemplate(rule.body, ['rules', i, 'body'], problems);
  });
  return problems;
}

function duplicates(values: string[], report: (index: number) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report(i);
    seen.add(v);
  });
}
