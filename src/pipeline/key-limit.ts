// A stage's cap on keys per rule (limits.keys_per_rule, limits.pending_sudo_calls): how many keys each
// rule holds, whether one more fits, and what went past the cap — counted per rule for the stats and
// said in a warning per rule (at most one per WARN_EVERY, with how many more since), never silently.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Config } from '../config/schema.ts';

const WARN_EVERY = 10 * 60_000;

export class KeyLimit {
  private readonly live = new Map<string, number>();
  /** Events (correlate: sudo calls) handled past the cap, per rule. */
  readonly overflowed = new Map<string, number>();
  private readonly warned = new Map<string, { at: number; since: number }>();

  /**
   * @param stage names the stage in logs and stats
   * @param configKey the setting that raises the cap, said in the warning
   * @param consequence what happens past the cap, said in the warning
   */
  constructor(
    readonly stage: string,
    readonly max: number,
    readonly configKey: string,
    private readonly consequence: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Takes a place for a new key of `rule` when one is free. */
  take(rule: string): boolean {
    const n = this.live.get(rule) ?? 0;
    if (n >= this.max) return false;
    this.live.set(rule, n + 1);
    return true;
  }

  /** A key loaded from the store holds a place whatever the cap is now (it may have been lowered). */
  hold(rule: string): void {
    this.live.set(rule, (this.live.get(rule) ?? 0) + 1);
  }

  release(rule: string): void {
    const n = (this.live.get(rule) ?? 0) - 1;
    if (n > 0) this.live.set(rule, n);
    else this.live.delete(rule);
  }

  /** `n` events of `rule` went past the cap. */
  overflow(rule: string, n: number): void {
    this.overflowed.set(rule, (this.overflowed.get(rule) ?? 0) + n);
    const now = this.clock.now();
    const w = this.warned.get(rule);
    if (w && now - w.at < WARN_EVERY) {
      w.since += n;
      return;
    }
    this.log.warn(
      { stage: this.stage, ...(rule ? { rule } : {}), limit: this.configKey, max: this.max, overflowed: w ? w.since + n : n },
      `${this.stage}: ${rule ? `rule ${rule} reached` : 'reached'} ${this.configKey} (${this.max}); ${this.consequence}`,
    );
    this.warned.set(rule, { at: now, since: 0 });
  }
}

/** The caps of every stage that keeps state keyed by what events carry, from `limits:`. */
export function stageLimits(limits: Config['limits'], clock: Clock, log: Logger) {
  const perRule = (stage: string, consequence: string) =>
    new KeyLimit(stage, limits.keys_per_rule, 'limits.keys_per_rule', consequence, clock, log);
  return {
    correlate: new KeyLimit(
      'correlate',
      limits.pending_sudo_calls,
      'limits.pending_sudo_calls',
      'the oldest open sudo call goes on as "no exit seen"',
      clock,
      log,
    ),
    sudoLines: new KeyLimit(
      'sudo-lines',
      limits.pending_sudo_calls,
      'limits.pending_sudo_calls',
      "the oldest sudo syslog line waiting for the plugin's report of its call goes on now (its call may alert twice)",
      clock,
      log,
    ),
    sudoDecisions: new KeyLimit(
      'sudo-decisions',
      limits.pending_sudo_calls,
      'limits.pending_sudo_calls',
      "the oldest plugin report kept for sudo's syslog line of its call is forgotten (that line, if it comes, alerts too)",
      clock,
      log,
    ),
    sudoPluginHosts: new KeyLimit(
      'sudo-plugin-hosts',
      limits.keys_per_rule,
      'limits.keys_per_rule',
      "the host whose sudo plugin reported least recently is forgotten: its sudo syslog lines go on without waiting for the plugin's report (its calls may alert twice)",
      clock,
      log,
    ),
    frequency: perRule('frequency', "events of further keys count in the rule's one shared overflow window"),
    change: perRule('change', 'further keys get no baseline, so their changes cannot be seen'),
    sequence: perRule(
      'sequence',
      "events before of further keys count in the rule's one shared entry; a completing event that may have had them alerts, saying so",
    ),
    aggregate: perRule('aggregate', "hits of further groups go to the rule's overflow digest"),
    dedupe: perRule('dedupe', 'alerts of further keys go out without repeat_interval'),
  };
}
