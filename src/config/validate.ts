// Checks across sections that the schema alone cannot express: notifier URLs, rule → notifier references,
// duplicate names, listener address clashes, match expressions, templates, rule kinds and silences.
import type { Config, TlsListenerConfig } from './schema.ts';
import type { ConfigProblem } from './problems.ts';
import { splitHostPort } from '../sources/host-port.ts';
import { parseNotifierUrl } from '../../notifiers/registry.ts';
import { compileMatch } from '../pipeline/match.ts';
import { compileTemplate } from '../pipeline/template.ts';
import { isKnownField } from '../pipeline/fields.ts';
import { compileSilenceMatch } from '../pipeline/silence-match.ts';
import type { RuleConfig } from './schema.ts';
import { notifierSettings } from './notifier-entry.ts';
import { checkPeople } from '../people/people-check.ts';

export function crossCheck(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url, concurrency } = notifierSettings(entry);
    if (url === '') continue; // an optional secret that is not set: the notifier is disabled
    try {
      const parsed = parseNotifierUrl(url);
      // A people-facing service's backlog folds into one digest, which needs its lane to itself.
      const asked = concurrency ?? parsed.concurrency;
      if (asked !== undefined && asked > 1 && !parsed.module.eachMessageMatters) {
        problems.push({ path: concurrency === undefined ? ['notifiers', name, ...(typeof entry === 'string' ? [] : ['url'])] : ['notifiers', name, 'concurrency'],
          message: `concurrency ${asked}: ${parsed.module.service} is read by people and sends one message at a time, paced to its provider's limits; concurrency is for webhooks read by a program (json, form, xml)` });
      }
    } catch (e) {
      problems.push({ path: typeof entry === 'string' ? ['notifiers', name] : ['notifiers', name, 'url'], message: (e as Error).message });
    }
  }
  checkFallbacks(config, problems);
  checkPeople(config, problems);
  if (config.delivery.max_queue_hard < config.delivery.max_queue) {
    problems.push({ path: ['delivery', 'max_queue_hard'], message: `${config.delivery.max_queue_hard} is less than max_queue (${config.delivery.max_queue}); it must be at least that` });
  }
  duplicates(config.listeners.map((l) => l.name), (i) => problems.push({ path: ['listeners', i, 'name'], message: `listener name ${JSON.stringify(config.listeners[i]!.name)} is used twice` }));
  duplicates(config.rules.map((r) => r.name), (i) => problems.push({ path: ['rules', i, 'name'], message: `rule name ${JSON.stringify(config.rules[i]!.name)} is used twice` }));
  // tcp and tls listeners are both TCP sockets: they clash with each other.
  duplicates(config.listeners.map((l) => `${l.type === 'tls' ? 'tcp' : l.type}:${l.address}`), (i) =>
    problems.push({ path: ['listeners', i, 'address'], message: `address ${config.listeners[i]!.address} (${config.listeners[i]!.type}) is already used by another listener` }),
  );
  if (config.http) checkHttpPort(config, config.http.address, problems);
  if (config.http) checkHttpNotify(config, config.http.notify, problems);
  config.listeners.forEach((l, i) => {
    if (l.type === 'tls') checkTlsListener(l, i, problems);
    if (l.type === 'unix' && l.spool !== undefined && l.format !== 'sudo') {
      problems.push({ path: ['listeners', i, 'spool'], atKey: true, message: 'spool: is only read for format: sudo (the sudo audit plugin writes it)' });
    }
  });
  config.rules.forEach((rule, i) => {
    rule.notify.forEach((n, j) => {
      if (!(n in config.notifiers)) {
        problems.push({ path: ['rules', i, 'notify', j], message: `unknown notifier ${JSON.stringify(n)} (defined: ${Object.keys(config.notifiers).join(', ') || 'none'})` });
      }
    });
    compileMatch(rule.match, ['rules', i, 'match'], problems);
    if (rule.after) compileMatch(rule.after.match, ['rules', i, 'after', 'match'], problems);
    compileTemplate(rule.title, ['rules', i, 'title'], problems);
    compileTemplate(rule.body, ['rules', i, 'body'], problems);
    checkRuleKind(rule, i, problems);
  });
  for (const name of Object.keys(config.throttle)) {
    if (!(name in config.notifiers)) problems.push({ path: ['throttle', name], atKey: true, message: `throttle for unknown notifier ${JSON.stringify(name)}` });
  }
  const ruleNames = config.rules.filter(Boolean).map((r) => r.name);
  config.silences.forEach((silence, i) => {
    if (!silence) return;
    compileSilenceMatch(silence.match, ['silences', i, 'match'], problems, ruleNames);
    if (silence.starts !== undefined && silence.starts >= silence.ends) problems.push({ path: ['silences', i, 'ends'], message: 'ends must be after starts' });
  });
  return problems;
}

/** A fallback names another notifier, and following fallbacks never leads back to where it started. */
function checkFallbacks(config: Config, problems: ConfigProblem[]): void {
  const fallbackOf = (name: string): string | undefined => {
    const entry = config.notifiers[name];
    return entry === undefined ? undefined : notifierSettings(entry).fallback;
  };
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { fallback, fallbackAfter } = notifierSettings(entry);
    if (fallback === undefined) {
      if (fallbackAfter !== undefined) problems.push({ path: ['notifiers', name, 'fallback_after'], atKey: true, message: 'fallback_after needs fallback: the notifier that gets the alerts' });
      continue;
    }
    const at = ['notifiers', name, 'fallback'];
    if (fallback === name) problems.push({ path: at, message: 'a notifier cannot be its own fallback' });
    else if (!(fallback in config.notifiers)) problems.push({ path: at, message: `unknown notifier ${JSON.stringify(fallback)} (defined: ${Object.keys(config.notifiers).join(', ')})` });
    else {
      const seen = [name];
      for (let next = fallback as string | undefined; next !== undefined; next = fallbackOf(next)) {
        if (seen.includes(next)) {
          problems.push({ path: at, message: `fallbacks go round in a circle: ${[...seen, next].join(' → ')}` });
          break;
        }
        seen.push(next);
      }
    }
  }
}

/** Each kind's own keys must be there, and only with that kind; every field name must be one rules know. */
function checkRuleKind(rule: RuleConfig, i: number, problems: ConfigProblem[]): void {
  const at = (...path: (string | number)[]) => ['rules', i, ...path];
  if (rule.kind === 'frequency' && !rule.threshold) problems.push({ path: at('kind'), message: 'kind frequency needs threshold: {count, within}' });
  if (rule.kind !== 'frequency' && rule.threshold) problems.push({ path: at('threshold'), atKey: true, message: 'threshold is only used by kind: frequency' });
  if (rule.kind === 'change' && !rule.field) problems.push({ path: at('kind'), message: 'kind change needs field: the field whose value is watched' });
  if (rule.kind !== 'change' && rule.field) problems.push({ path: at('field'), atKey: true, message: 'field is only used by kind: change' });
  if (rule.kind === 'sequence' && !rule.after) problems.push({ path: at('kind'), message: 'kind sequence needs after: {match, count, within}: what must come before' });
  if (rule.kind !== 'sequence' && rule.after) problems.push({ path: at('after'), atKey: true, message: 'after is only used by kind: sequence' });
  const fieldsUsed: [(string | number)[], string][] = [
    ...(rule.key ?? []).map((f, j): [(string | number)[], string] => [['key', j], f]),
    ...rule.group_by.map((f, j): [(string | number)[], string] => [['group_by', j], f]),
    ...(rule.field ? [[['field'], rule.field] as [string[], string]] : []),
  ];
  for (const [place, field] of fieldsUsed) {
    if (!isKnownField(field)) problems.push({ path: at(...place), message: `unknown field ${JSON.stringify(field)} (use host, app, message, severity, fields.NAME, ...)` });
  }
}

/** A TLS listener that checks client certificates needs the CA that signs them; allowed_peers needs certificates. */
function checkTlsListener(l: TlsListenerConfig, i: number, problems: ConfigProblem[]): void {
  if (l.client_auth !== 'none' && l.ca === undefined) {
    problems.push({ path: ['listeners', i, 'client_auth'], message: `client_auth ${l.client_auth} needs ca: the CA file client certificates must chain to (or client_auth: none)` });
  }
  if (l.client_auth === 'none' && l.allowed_peers.length > 0) {
    problems.push({ path: ['listeners', i, 'allowed_peers'], atKey: true, message: 'allowed_peers needs client certificates (client_auth: required or optional)' });
  }
  if (l.client_auth === 'none' && (l.sudo?.trusted_peers.length ?? 0) > 0) {
    problems.push({ path: ['listeners', i, 'sudo', 'trusted_peers'], atKey: true, message: 'trusted_peers needs client certificates (client_auth: required or optional)' });
  }
}

/** The HTTP endpoint is a TCP socket too: it cannot share a port with a TCP-based listener on an overlapping host. */
function checkHttpPort(config: Config, address: string, problems: ConfigProblem[]): void {
  const http = splitHostPort(address);
  const wildcard = (host: string) => host === '0.0.0.0' || host === '::';
  const clash = config.listeners.find((l) => {
    if (l.type === 'udp' || l.type === 'unix') return false;
    const other = splitHostPort(l.address);
    return http.port !== 0 && other.port === http.port && (other.host === http.host || wildcard(other.host) || wildcard(http.host));
  });
  if (clash) problems.push({ path: ['http', 'address'], message: `address ${address} is already used by listener ${clash.name} (${clash.address}, ${clash.type})` });
}

/** /notify's default and tags name notifiers that exist; a tag may not shadow a notifier's own name or `all`. */
function checkHttpNotify(config: Config, notify: NonNullable<Config['http']>['notify'], problems: ConfigProblem[]): void {
  const unknown = (n: string) => `unknown notifier ${JSON.stringify(n)} (defined: ${Object.keys(config.notifiers).join(', ') || 'none'})`;
  notify.default.forEach((n, i) => {
    if (!(n in config.notifiers)) problems.push({ path: ['http', 'notify', 'default', i], message: unknown(n) });
  });
  for (const [tag, names] of Object.entries(notify.tags)) {
    if (tag in config.notifiers || tag === 'all') problems.push({ path: ['http', 'notify', 'tags', tag], atKey: true, message: `tag ${JSON.stringify(tag)} is already the name of ${tag === 'all' ? 'every notifier' : 'a notifier'}; pick another` });
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
