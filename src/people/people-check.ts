// Cross-checks of the people directory and of rules that address people: notify_person's `who` and `via`,
// ask's templates and escalation notifiers, the answers: and http: sections an ask needs, host owners that
// are in the directory, and notifiers that reach one person only kept out of `notify`/`escalate`.
import type { Config, RuleConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { notifierSettings } from '../config/notifier-entry.ts';
import { isKnownField } from '../pipeline/fields.ts';
import { parseNotifierUrl } from '../../notifiers/registry.ts';
import { isPersonUrl, SAMPLE_PERSON } from '../../notifiers/person-url.ts';
import { OWNER } from '../config/people-schema.ts';

export function checkPeople(config: Config, problems: ConfigProblem[]): void {
  const known = new Set(Object.keys(config.people));
  for (const [host, owners] of Object.entries(config.host_owners)) {
    for (const user of typeof owners === 'string' ? [owners] : owners) {
      if (!known.has(user))
        problems.push({ path: ['host_owners', host], message: `owner ${JSON.stringify(user)} is not in the people directory` });
    }
  }
  const kinds = new Map(Object.entries(config.notifiers).map(([name, entry]) => [name, reach(notifierSettings(entry).url)]));
  const defined = () => Object.keys(config.notifiers).join(', ') || 'none';
  config.rules.forEach((rule, i) => {
    if (!rule) return;
    const at = (...path: (string | number)[]) => ['rules', i, ...path];
    rule.notify.forEach((n, j) => {
      if (kinds.get(n) === 'person-only')
        problems.push({ path: at('notify', j), message: `${n} reaches one person at a time (notify_person's via), not a channel` });
    });
    if (rule.ask && !rule.notify_person) problems.push({ path: at('ask'), atKey: true, message: 'ask needs notify_person: whom to ask' });
    if (rule.notify_person) checkNotifyPerson(rule, at, kinds, defined, problems);
    if (rule.ask) {
      if (!config.answers)
        problems.push({ path: at('ask'), atKey: true, message: 'ask needs an answers: section (secret, url) to sign answer links' });
      if (!config.http) problems.push({ path: at('ask'), atKey: true, message: "ask needs http: (answers come to relay's HTTP endpoint)" });
      rule.ask.escalate.forEach((n, j) => {
        const kind = kinds.get(n);
        if (kind === undefined)
          problems.push({ path: at('ask', 'escalate', j), message: `unknown notifier ${JSON.stringify(n)} (defined: ${defined()})` });
        else if (kind === 'person-only')
          problems.push({
            path: at('ask', 'escalate', j),
            message: `${n} reaches one person at a time, not a channel: escalate to a channel`,
          });
      });
    }
  });
}

function checkNotifyPerson(
  rule: RuleConfig,
  at: (...path: (string | number)[]) => (string | number)[],
  kinds: Map<string, Reach>,
  defined: () => string,
  problems: ConfigProblem[],
): void {
  const { who, via } = rule.notify_person!;
  if (who !== OWNER && !isKnownField(who))
    problems.push({
      path: at('notify_person', 'who'),
      message: `who is a field holding a user name (fields.user) or "owner" (the host's owners), not ${JSON.stringify(who)}`,
    });
  via.forEach((n, j) => {
    const kind = kinds.get(n);
    if (kind === undefined)
      problems.push({ path: at('notify_person', 'via', j), message: `unknown notifier ${JSON.stringify(n)} (defined: ${defined()})` });
    else if (kind === 'channel')
      problems.push({
        path: at('notify_person', 'via', j),
        message: `${n} posts to a channel and cannot reach one person; use a Slack bot (slack://xoxb-…), mailto://, or a URL with a {person.NAME} part`,
      });
  });
}

type Reach = 'channel' | 'both' | 'person-only' | 'disabled';

/** Whether a notifier URL posts to a channel, reaches one person, or both (a Slack bot with a channel). */
function reach(url: string): Reach {
  if (url === '') return 'disabled';
  if (isPersonUrl(url)) return 'person-only';
  try {
    const { module, config } = parseNotifierUrl(url);
    if (!module.reachesPeople?.(config, SAMPLE_PERSON)) return 'channel';
    const channels = (config as { channels?: unknown[] }).channels;
    return module.schemes.includes('slack') && channels?.length === 0 ? 'person-only' : 'both';
  } catch {
    return 'channel'; // an invalid URL is reported on its own
  }
}
