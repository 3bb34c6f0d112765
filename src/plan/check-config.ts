// Checks across sections that the schema alone cannot express and nothing compiles: rule → notifier
// references, duplicate names, rule kinds, TLS listener settings, /notify targets, silences, the people
// directory. Notifier URLs, matches and templates are checked by compiling them (plan.ts), sockets and
// directories by resources.ts.
import type { Config, TlsListenerConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { isKnownField } from '../pipeline/fields.ts';
import type { RuleConfig } from '../config/schema.ts';
import { checkPeople } from '../people/people-check.ts';

export function crossCheck(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkPeople(config, problems);
  if (config.delivery.max_queue_hard < config.delivery.max_queue) {
    problems.push({
      path: ['delivery', 'max_queue_hard'],
      message: `${config.delivery.max_queue_hard} is less than max_queue (${config.delivery.max_queue}); it must be at least that`,
    });
  }
  duplicates(
    config.listeners.map((l) => l.name),
    (i) =>
      problems.push({
        path: ['listeners', i, 'name'],
        message: `listener name ${JSON.stringify(config.listeners[i]!.name)} is used twice`,
      }),
  );
  duplicates(
    config.rules.map((r) => r.name),
    (i) => problems.push({ path: ['rules', i, 'name'], message: `rule name ${JSON.stringify(config.rules[i]!.name)} is used twice` }),
  );
  if (config.http) checkHttpNotify(config, config.http.notify, problems);
  config.listeners.forEach((l, i) => {
    if (l.type === 'tls') checkTlsListener(l, i, problems);
    if (l.type === 'unix' && l.spool !== undefined && l.format !== 'sudo') {
      problems.push({
        path: ['listeners', i, 'spool'],
        atKey: true,
        message: 'spool: is only read for format: sudo (the sudo audit plugin writes it)',
      });
    }
  });
  config.rules.forEach((rule, i) => {
    rule.notify.forEach((n, j) => {
      if (!(n in config.notifiers)) {
        problems.push({
          path: ['rules', i, 'notify', j],
          message: `unknown notifier ${JSON.stringify(n)} (defined: ${Object.keys(config.notifiers).join(', ') || 'none'})`,
        });
      }
    });
    checkRuleKind(rule, i, problems);
  });
  for (const name of Object.keys(config.throttle)) {
    if (!(name in config.notifiers))
      problems.push({ path: ['throttle', name], atKey: true, message: `throttle for unknown notifier ${JSON.stringify(name)}` });
  }
  config.silences.forEach((silence, i) => {
    if (silence?.starts !== undefined && silence.starts >= silence.ends)
      problems.push({ path: ['silences', i, 'ends'], message: 'ends must be after starts' });
  });
  return problems;
}

/** Each kind's own keys must be there, and only with that kind; every field name must be one rules know. */
function checkRuleKind(rule: RuleConfig, i: number, problems: ConfigProblem[]): void {
  const at = (...path: (string | number)[]) => ['rules', i, ...path];
  if (rule.kind === 'frequency' && !rule.threshold)
    problems.push({ path: at('kind'), message: 'kind frequency needs threshold: {count, within}' });
  if (rule.kind !== 'frequency' && rule.threshold)
    problems.push({ path: at('threshold'), atKey: true, message: 'threshold is only used by kind: frequency' });
  if (rule.kind === 'change' && !rule.field)
    problems.push({ path: at('kind'), message: 'kind change needs field: the field whose value is watched' });
  if (rule.kind !== 'change' && rule.field)
    problems.push({ path: at('field'), atKey: true, message: 'field is only used by kind: change' });
  if (rule.kind === 'sequence' && !rule.after)
    problems.push({ path: at('kind'), message: 'kind sequence needs after: {match, count, within}: what must come before' });
  if (rule.kind !== 'sequence' && rule.after)
    problems.push({ path: at('after'), atKey: true, message: 'after is only used by kind: sequence' });
  const fieldsUsed: [(string | number)[], string][] = [
    ...(rule.key ?? []).map((f, j): [(string | number)[], string] => [['key', j], f]),
    ...rule.group_by.map((f, j): [(string | number)[], string] => [['group_by', j], f]),
    ...(rule.field ? [[['field'], rule.field] as [string[], string]] : []),
  ];
  for (const [place, field] of fieldsUsed) {
    if (!isKnownField(field))
      problems.push({
        path: at(...place),
        message: `unknown field ${JSON.stringify(field)} (use host, app, message, severity, fields.NAME, ...)`,
      });
  }
}

/** A TLS listener that checks client certificates needs the CA that signs them; allowed_peers needs certificates. */
function checkTlsListener(l: TlsListenerConfig, i: number, problems: ConfigProblem[]): void {
  if (l.client_auth !== 'none' && l.ca === undefined) {
    problems.push({
      path: ['listeners', i, 'client_auth'],
      message: `client_auth ${l.client_auth} needs ca: the CA file client certificates must chain to (or client_auth: none)`,
    });
  }
  if (l.client_auth === 'none' && l.allowed_peers.length > 0) {
    problems.push({
      path: ['listeners', i, 'allowed_peers'],
      atKey: true,
      message: 'allowed_peers needs client certificates (client_auth: required or optional)',
    });
  }
  if (l.client_auth === 'none' && (l.sudo?.trusted_peers.length ?? 0) > 0) {
    problems.push({
      path: ['listeners', i, 'sudo', 'trusted_peers'],
      atKey: true,
      message: 'trusted_peers needs client certificates (client_auth: required or optional)',
    });
  }
}

/** /notify's default and tags name notifiers that exist; a tag may not shadow a notifier's own name or `all`. */
function checkHttpNotify(config: Config, notify: NonNullable<Config['http']>['notify'], problems: ConfigProblem[]): void {
  const unknown = (n: string) => `unknown notifier ${JSON.stringify(n)} (defined: ${Object.keys(config.notifiers).join(', ') || 'none'})`;
  notify.default.forEach((n, i) => {
    if (!(n in config.notifiers)) problems.push({ path: ['http', 'notify', 'default', i], message: unknown(n) });
  });
  for (const [tag, names] of Object.entries(notify.tags)) {
    if (tag in config.notifiers || tag === 'all')
      problems.push({
        path: ['http', 'notify', 'tags', tag],
        atKey: true,
        message: `tag ${JSON.stringify(tag)} is already the name of ${tag === 'all' ? 'every notifier' : 'a notifier'}; pick another`,
      });
    names.forEach((n, i) => {
      if (!(n in config.notifiers)) problems.push({ path: ['http', 'notify', 'tags', tag, i], message: unknown(n) });
    });
  }
}

function duplicates(values: string[], report: (index: number) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report(i);
    seen.add(v);
  });
}
