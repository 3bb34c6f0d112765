// The plan: a config compiled once — rules with their matches and templates, one notifier per name, the
// fallback routes, each listener's pre-filter, the resources it needs — checked as it is built, so every
// problem is known before anything binds a port. The stages take their parts of it and compile nothing;
// `relay check` is building one and printing its problems; a reload builds the next one before it touches
// the running relay.
import type { Config } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { ConfigError, deepFreeze } from '../config/load.ts';
import type { FallbackRoute } from '../delivery/fallback.ts';
import { compileRule, type CompiledRule } from '../pipeline/compiled-rule.ts';
import { compilePrefilter, type FrameTest } from '../pipeline/prefilter.ts';
import { compileSilenceMatch, type SilenceMatcher } from '../pipeline/silence-match.ts';
import type { Notifier } from '../../notifiers/types.ts';
import { crossCheck } from './check-config.ts';
import { tlsFileProblems } from './check-tls-files.ts';
import { compileNotifiers, type NotifierReuse } from './compile-notifiers.ts';
import { checkResources, declaredResources, type Resource } from './resources.ts';

export interface Plan {
  /** The config it was built from, frozen. */
  readonly config: Config;
  readonly rules: readonly CompiledRule[];
  /** `silences:`, compiled, in config order. */
  readonly silences: readonly SilenceMatcher[];
  /** The notifiers that can send (URL set), in config order. */
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly fallbacks: ReadonlyMap<string, FallbackRoute>;
  /** Per syslog listener, the pre-filter of its frames; none where every frame must be parsed. */
  readonly prefilters: ReadonlyMap<string, FrameTest | undefined>;
  readonly resources: readonly Resource[];
}

export interface BuiltPlan {
  /** Complete only when there are no problems. */
  readonly plan: Plan;
  readonly problems: ConfigProblem[];
}

/**
 * Compiles and checks `config` (a schema-valid config, or the valid parts of one, to find every problem at
 * once). `reuse`: the running plan, whose unchanged notifiers the new plan keeps.
 */
export function buildPlan(config: Config, reuse?: Plan): BuiltPlan {
  const problems: ConfigProblem[] = crossCheck(config);
  const rules: CompiledRule[] = [];
  config.rules.forEach((rule, i) => rules.push(compileRule(rule, i, problems)));
  const ruleNames = config.rules.filter(Boolean).map((r) => r.name);
  const silences: SilenceMatcher[] = [];
  config.silences.forEach((s, i) => silences.push(compileSilenceMatch(s.match, ['silences', i, 'match'], problems, ruleNames)));
  const lent: NotifierReuse | undefined = reuse && { entries: reuse.config.notifiers, notifiers: reuse.notifiers };
  const { notifiers, fallbacks } = compileNotifiers(config, problems, lent);
  const prefilters = new Map<string, FrameTest | undefined>();
  for (const l of config.listeners) if (l && l.type !== 'unix') prefilters.set(l.name, compilePrefilter(config.rules, l.name));
  problems.push(...tlsFileProblems(config));
  const resources = declaredResources(config);
  checkResources(resources, problems);
  return { plan: { config: deepFreeze(config), rules, silences, notifiers, fallbacks, prefilters, resources }, problems };
}

/**
 * A plan, or the plan of a config that was already checked (tests, tools that hold a parsed config): what
 * the relay's entry points take.
 */
export function asPlan(source: Plan | Config): Plan {
  if ('prefilters' in source) return source;
  const { plan, problems } = buildPlan(source);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => ({ file: 'config', line: 1, col: 1, message: p.message })));
  return plan;
}
