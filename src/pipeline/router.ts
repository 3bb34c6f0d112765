// Rules applied to events: each matching rule turns the event into an alert for its notifiers.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { RelayEvent } from '../event.ts';
import type { RuleConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import type { MessageType } from '../../notifiers/types.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import { compileMatch, type Predicate } from './match.ts';
import { compileTemplate, type Template } from './template.ts';
import { templateView } from './fields.ts';

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly matches: Predicate;
  readonly title: Template;
  readonly body: Template;
}

export function compileRules(rules: readonly RuleConfig[]): CompiledRule[] {
  const problems: ConfigProblem[] = [];
  const compiled = rules.map((config, i) => ({
    config,
    matches: compileMatch(config.match, ['rules', i, 'match'], problems),
    title: compileTemplate(config.title, ['rules', i, 'title'], problems),
    body: compileTemplate(config.body, ['rules', i, 'body'], problems),
  }));
  // Config validation already reported these; reaching here means a caller skipped it.
  if (problems.length > 0) throw new RelayError(ErrorCodes.CONFIG, problems.map((p) => p.message).join('; '));
  return compiled;
}

export class Router {
  private readonly rules: CompiledRule[];
  readonly matched = new Map<string, number>();
  unmatched = 0;

  constructor(rules: readonly RuleConfig[]) {
    this.rules = compileRules(rules);
  }

  route(event: RelayEvent, now: number): Alert[] {
    const alerts: Alert[] = [];
    for (const rule of this.rules) {
      if (!rule.matches(event)) continue;
      this.matched.set(rule.config.name, (this.matched.get(rule.config.name) ?? 0) + 1);
      alerts.push(renderAlert(rule, event, now));
      if (!rule.config.continue) break;
    }
    if (alerts.length === 0) this.unmatched++;
    return alerts;
  }
}

export function renderAlert(rule: CompiledRule, event: RelayEvent, now: number): Alert {
  const view = templateView(event);
  const title = rule.title(view);
  const body = rule.body(view);
  return {
    id: randomUUID(),
    rule: rule.config.name,
    notify: rule.config.notify,
    title,
    body,
    type: rule.config.type ?? typeFromSeverity(event.severity),
    severity: event.severity,
    key: `${rule.config.name}\u0000${title}\u0000${body}`,
    createdAt: now,
    count: 1,
  };
}

/** emerg…err → failure, warning → warning, the rest → info. */
export function typeFromSeverity(severity: number | undefined): MessageType {
  if (severity === undefined) return 'info';
  if (severity <= 3) return 'failure';
  return severity === 4 ? 'warning' : 'info';
}
