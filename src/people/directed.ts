// The pipeline stage for rules with notify_person: the person the event names (a user field, or the host's
// owners) is looked up in the directory, and the rule's alert goes to that person alone through the `via`
// notifiers that reach them — or, with `ask`, becomes a "was this you?" question (ask.ts). The recipient is
// only ever a directory entry: log text can name a user, never an address. Someone the directory does not
// know (or cannot reach through `via`) gets nothing; the rule's `notify` notifiers get the alert, saying so.
// Other rules' hits pass straight on.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { Config, RuleConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../log.ts';
import { getField, templateView } from '../pipeline/fields.ts';
import type { Hit } from '../pipeline/hit.ts';
import { typeOf } from '../pipeline/alert-type.ts';
import { Stage, type Inlet } from '../pipeline/stage.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Notifier } from '../../notifiers/types.ts';
import { Asker } from './ask.ts';
import { eventIdentity } from './question.ts';
import { Directory, type Person } from './directory.ts';
import { OWNER } from '../config/people-schema.ts';

export interface DirectedStats {
  /** Alerts sent to one person (one per notifier). */
  direct: number;
  /** Events whose person could not be reached: sent to the rule's notify instead. */
  unreachable: number;
}

export class Directed extends Stage<Hit, Hit> {
  readonly stats: DirectedStats = { direct: 0, unreachable: 0 };
  /** Set when some rule asks (answers: is configured). */
  readonly asker: Asker | undefined;
  private readonly directory: Directory;

  /**
   * @param notifiers the plan's notifiers, which `via` names
   * @param direct where a person's alert goes: straight to delivery, past grouping and throttles (those fold
   *   alerts together, and one person's alert is never folded with another's)
   */
  constructor(
    config: Config,
    private readonly notifiers: ReadonlyMap<string, Notifier>,
    private readonly clock: Clock,
    private readonly direct: Inlet<Alert>,
    log: Logger = silentLogger,
  ) {
    super();
    this.directory = new Directory(config);
    const slackIds = new Map(Object.entries(config.people).flatMap(([user, p]) => (p.slack ? [[user, p.slack] as [string, string]] : [])));
    this.asker = config.answers ? new Asker(config.answers, clock, (alert) => this.direct.push(alert), log, slackIds) : undefined;
  }

  push(hit: Hit): void {
    const rule = hit.rule.config;
    if (!rule.notify_person) {
      this.next.push(hit);
      return;
    }
    const { who, via } = rule.notify_person;
    const users =
      who === OWNER
        ? this.directory.owners(hit.event.host)
        : ([getField(hit.event, who)].filter((u) => typeof u === 'string' && u !== '') as string[]);
    if (users.length === 0) {
      this.unreachable(hit, who === OWNER ? `${hit.event.host ?? 'this host'}: no owner in host_owners` : `no user in the event (${who})`);
      return;
    }
    for (const user of users) {
      const person = this.directory.person(user);
      if (!person) {
        this.unreachable(hit, `${user}: not in the directory`);
        continue;
      }
      const reaching = via.filter((n) => this.notifiers.get(n)?.reaches?.(person));
      if (reaching.length === 0) {
        this.unreachable(hit, `${user}: the directory has no handle for ${via.join(', ')}`);
        continue;
      }
      this.address(hit, rule, person, reaching);
    }
  }

  /** Questions (with their deadlines) live in the state store from now on; pending ones resume. */
  attach(store: StateStore): void {
    this.asker?.attach(store);
  }

  override stop(): void {
    this.asker?.close();
  }

  private address(hit: Hit, rule: RuleConfig, person: Person, via: string[]): void {
    const view = this.view(hit, person);
    const title = hit.rule.title(view);
    const body = hit.rule.body(view);
    const severity = hit.event.severity;
    const t = hit.rule.ask;
    if (rule.ask && t && this.asker) {
      const question = t.question(view);
      const asked = { ...view, question, timeout: rule.ask.timeout };
      this.asker.ask({
        rule: rule.name,
        person,
        via,
        escalate: [...rule.ask.escalate],
        question,
        identity: eventIdentity(hit.event),
        title,
        body,
        denied: t.denied(asked),
        unanswered: t.unanswered(asked),
        timeout: rule.ask.timeout,
        quietFor: rule.ask.on_yes.quiet_for,
        ...(severity === undefined ? {} : { severity }),
      });
      return;
    }
    for (const name of via) {
      this.stats.direct++;
      this.direct.push(this.alert(hit, [name], title, body, `person\u0000${person.user}`, person));
    }
  }

  private unreachable(hit: Hit, note: string): void {
    this.stats.unreachable++;
    const view = this.view(hit, undefined);
    this.direct.push(this.alert(hit, hit.rule.config.notify, hit.rule.title(view), `${note}\n${hit.rule.body(view)}`, 'unreachable'));
  }

  private alert(hit: Hit, notify: readonly string[], title: string, body: string, key: string, recipient?: Person): Alert {
    const rule = hit.rule.config;
    return {
      id: randomUUID(),
      rule: rule.name,
      notify,
      title,
      body,
      type: rule.type ?? typeOf(hit.event.severity, rule.kind, hit.event.fields.event),
      ...(hit.event.severity === undefined ? {} : { severity: hit.event.severity }),
      key: `${rule.name}\u0000${key}\u0000${title}`,
      createdAt: this.clock.now(),
      count: hit.count,
      ...(recipient
        ? {
            recipient: {
              user: recipient.user,
              name: recipient.name,
              handles: recipient.handles,
              ...(recipient.slack ? { slack: recipient.slack } : {}),
              ...(recipient.email ? { email: recipient.email } : {}),
            },
          }
        : {}),
    };
  }

  private view(hit: Hit, person: Person | undefined): Record<string, unknown> {
    return {
      ...templateView(hit.event),
      ...hit.extra,
      rule: hit.rule.config.name,
      count: hit.count,
      ...(person ? { person: { user: person.user, name: person.name, pronoun: person.pronoun } } : {}),
    };
  }
}
