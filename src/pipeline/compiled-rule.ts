// A rule as the stages use it: its config with its match, templates and key compiled once, by the plan
// (src/plan/). Data only: which stage holds a rule's state (frequency windows, change baselines, sequence
// counts) is the router's business, chosen by the rule's kind.
import type { RelayEvent } from '../event.ts';
import type { RuleConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { compileMatch, type Predicate } from './match.ts';
import { compileTemplate, type Template } from './template.ts';
import { getField } from './fields.ts';
import { keyValues } from './key-values.ts';

/** A rule's `ask:` texts, compiled (src/people/). */
export interface AskTemplates {
  readonly question: Template;
  readonly denied: Template;
  readonly unanswered: Template;
}

export interface CompiledRule {
  readonly config: RuleConfig;
  /** Whether the router shows the rule this event: its `match:`, and for a sequence rule also `after.match`. */
  readonly matches: Predicate;
  /** Its own `match:` (for a sequence rule, the event that completes it). */
  readonly completes: Predicate;
  readonly title: Template;
  readonly body: Template;
  /** The rule's `key:` values of an event; '' when the rule has no key. */
  readonly keyOf: (event: RelayEvent) => string;
  readonly ask?: AskTemplates;
}

/** `rules[i]` compiled; what does not compile is added to `problems` at its place. */
export function compileRule(config: RuleConfig, i: number, problems: ConfigProblem[]): CompiledRule {
  const key = config.key ?? [];
  const completes = compileMatch(config.match, ['rules', i, 'match'], problems);
  const before = config.after ? compileMatch(config.after.match, ['rules', i, 'after', 'match'], problems) : undefined;
  const template = (text: string, ...path: string[]) => compileTemplate(text, ['rules', i, ...path], problems);
  return {
    config,
    matches: before ? (e) => completes(e) || before(e) : completes,
    completes,
    title: template(config.title, 'title'),
    body: template(config.body, 'body'),
    keyOf: (event) => keyValues(key, (f) => getField(event, f)),
    ...(config.ask
      ? {
          ask: {
            question: template(config.ask.question, 'ask', 'question'),
            denied: template(config.ask.denied, 'ask', 'denied'),
            unanswered: template(config.ask.unanswered, 'ask', 'unanswered'),
          },
        }
      : {}),
  };
}
