// A silence's matcher: the rules' `match:` language over the event, plus `rule: NAME` (or a list) to mute
// one rule's alerts only.
import type { Match } from '../config/match-schema.ts';
import type { ConfigPath, ConfigProblem } from '../config/problems.ts';
import type { Hit } from './hit.ts';
import { compileMatch } from './match.ts';

export type SilenceMatcher = (hit: Pick<Hit, 'event'> & { rule: { config: { name: string } } }) => boolean;

export function compileSilenceMatch(
  match: Match,
  path: ConfigPath,
  problems: ConfigProblem[],
  ruleNames?: readonly string[],
): SilenceMatcher {
  if (Object.keys(match).length === 0) problems.push({ path, message: 'a silence needs at least one matcher (it would mute everything)' });
  const { rule, ...rest } = match;
  const names = rule === undefined ? undefined : (Array.isArray(rule) ? rule : [rule]).map(String);
  if (names && ruleNames) {
    for (const n of names)
      if (!ruleNames.includes(n)) problems.push({ path: [...path, 'rule'], message: `unknown rule ${JSON.stringify(n)}` });
  }
  const matches = compileMatch(rest as Match, path, problems);
  return (hit) => (names === undefined || names.includes(hit.rule.config.name)) && matches(hit.event);
}
