// Rate limits (token buckets) per rule or per notifier that never hide one alert inside another. What a
// limit holds back is kept per alert key (rule + digest key); when a token is back, ONE message goes out
// listing every distinct held alert with its own title and count (throttle-release.ts). Alerts at or above
// `throttle_bypass` severity and those of `priority: high` rules are never held: they take a token when
// there is one and go on regardless. Buckets and holds live in the state store (namespace `throttle`), so
// a restart, even after SIGKILL, resumes the hold and its release timer. Held keys per limit are capped by
// `limits.keys_per_rule`; past it alerts share one overflow entry that counts them and says so.
import type { Alert } from '../alert.ts';
import type { Clock, Timer } from '../clock.ts';
import type { ThrottleConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import { TokenBucket, type BucketState } from './token-bucket.ts';
import { addKeys, releaseMessage, type Held, type Overflow } from './throttle-release.ts';
import { Stage } from './stage.ts';

const NAMESPACE = 'throttle';

export interface ThrottleOptions {
  /** `rule` or `notifier`: names the limit in messages and logs, and its entries in the store. */
  scope: 'rule' | 'notifier';
  /** The limit for a bucket name, if any. */
  limitOf: (name: string) => ThrottleConfig | undefined;
  /** Which bucket an alert draws from (its rule, its notifier). */
  bucketOf: (alert: Alert) => string;
  /** Alerts that are never held (severe enough, or of a `priority: high` rule). */
  bypass: (alert: Alert) => boolean;
  /** Distinct held alert keys per limit before the overflow entry takes the rest. */
  maxKeys: number;
  clock: Clock;
  store: StateStore;
  log: Logger;
}

interface Limit {
  bucket: TokenBucket | undefined;
  held: Map<string, Held>;
  overflow: Overflow;
  timer: Timer | undefined;
}

export class Throttle extends Stage<Alert, Alert> {
  private readonly limits = new Map<string, Limit>();
  /** Alerts held back so far (each is also said in a later message). */
  heldBack = 0;
  /** Alerts that went past a limit because of their severity or priority. */
  bypassed = 0;
  /** Held alerts that found their limit's keys full and were counted in its overflow entry. */
  /** Held alerts counted in an overflow entry, per rule. */
  readonly overflowed = new Map<string, number>();
  /** Numbers held alerts in the order they were first held. */
  private seq = 0;
  private readonly state: StateNamespace;

  constructor(private readonly o: ThrottleOptions) {
    super();
    this.state = o.store.namespace(NAMESPACE, (id) => this.entry(id));
    this.restore();
  }

  push(alert: Alert): void {
    const name = this.o.bucketOf(alert);
    const config = this.o.limitOf(name);
    if (!config) return this.next.push(alert);
    const limit = this.limit(name, config);
    const now = this.o.clock.now();
    if (this.o.bypass(alert)) {
      if (limit.bucket.take(now)) this.saveBucket(name);
      this.bypassed++;
      return this.next.push(alert);
    }
    // Once something is held, later alerts wait behind it so one release message says all of them.
    if (limit.held.size === 0 && limit.overflow.alerts === 0 && limit.bucket.take(now)) {
      this.saveBucket(name);
      return this.next.push(alert);
    }
    this.hold(name, limit, alert);
    if (!limit.timer) this.arm(name, limit, limit.bucket.waitFor(now));
  }

  /** Stop the release timers; what the limits hold stays in the store for the next start. */
  override stop(): void {
    for (const limit of this.limits.values()) {
      limit.timer?.cancel();
      limit.timer = undefined;
    }
  }

  /** Send what every limit holds, limits notwithstanding (end of a replay). */
  override flush(): void {
    for (const [name, limit] of this.limits) {
      limit.timer?.cancel();
      limit.timer = undefined;
      this.send(name, limit);
    }
  }

  private hold(name: string, limit: Limit, alert: Alert): void {
    this.heldBack++;
    const held = limit.held.get(alert.key);
    if (held) {
      held.alerts++;
      held.events += alert.count;
      held.alert = alert;
      addKeys(held, alert);
      this.state.changed(this.id('h', name, alert.key));
      return;
    }
    if (limit.held.size < this.o.maxKeys) {
      const fresh: Held = { alert, alerts: 1, events: alert.count, since: this.o.clock.now(), seq: this.seq++ };
      addKeys(fresh, alert);
      limit.held.set(alert.key, fresh);
      this.state.changed(this.id('h', name, alert.key));
      return;
    }
    if (limit.overflow.alerts === 0) {
      this.o.log.warn(
        { limit: `${this.o.scope} ${name}`, keys: this.o.maxKeys },
        'throttle holds as many distinct alerts as limits.keys_per_rule allows; more are counted together until it releases',
      );
    }
    limit.overflow.alerts++;
    limit.overflow.events += alert.count;
    const perRule = limit.overflow.rules.find(([rule]) => rule === alert.rule);
    if (perRule) perRule[1]++;
    else limit.overflow.rules.push([alert.rule, 1]);
    this.overflowed.set(alert.rule, (this.overflowed.get(alert.rule) ?? 0) + 1);
    this.state.changed(this.id('o', name));
  }

  private release(name: string): void {
    const limit = this.limits.get(name)!;
    limit.timer = undefined;
    const now = this.o.clock.now();
    // A limit that is gone from the config (restart with a new one) lets what it held go at once.
    if (limit.bucket && !limit.bucket.take(now)) return this.arm(name, limit, Math.max(1, limit.bucket.waitFor(now)));
    if (limit.bucket) this.saveBucket(name);
    this.send(name, limit);
  }

  private send(name: string, limit: Limit): void {
    if (limit.held.size === 0 && limit.overflow.alerts === 0) return;
    const message = releaseMessage(`${this.o.scope} ${name}`, [...limit.held.values()], limit.overflow, this.o.clock.now());
    for (const key of limit.held.keys()) this.state.changed(this.id('h', name, key));
    this.state.changed(this.id('o', name));
    limit.held.clear();
    limit.overflow = emptyOverflow();
    this.next.push(message);
  }

  private arm(name: string, limit: Limit, ms: number): void {
    limit.timer = this.o.clock.setTimer(ms, () => this.release(name));
  }

  /** The limit's state, with its bucket (made on first use). */
  private limit(name: string, config: ThrottleConfig): Limit & { bucket: TokenBucket } {
    let limit = this.limits.get(name);
    if (!limit) {
      limit = { bucket: undefined, held: new Map(), overflow: emptyOverflow(), timer: undefined };
      this.limits.set(name, limit);
    }
    limit.bucket ??= newBucket(config, this.o.clock.now());
    return limit as Limit & { bucket: TokenBucket };
  }

  private saveBucket(name: string): void {
    this.state.changed(this.id('b', name));
  }

  /** A store entry's current value: a bucket, a held alert, or a limit's overflow (none while empty). */
  private entry(id: string): unknown {
    const [part, scope, name, ...rest] = id.split('\u0000');
    const limit = scope === this.o.scope ? this.limits.get(name!) : undefined;
    if (part === 'b') return limit?.bucket?.state();
    if (part === 'h') return limit?.held.get(rest.join('\u0000'));
    return limit && limit.overflow.alerts > 0 ? limit.overflow : undefined;
  }

  /** Store keys: `b|h|o` \0 scope \0 limit name [\0 alert key]. Names never hold \0 (config checks them). */
  private id(part: 'b' | 'h' | 'o', name: string, key?: string): string {
    return key === undefined ? `${part}\u0000${this.o.scope}\u0000${name}` : `${part}\u0000${this.o.scope}\u0000${name}\u0000${key}`;
  }

  /** Rebuild buckets and holds from the store and re-arm each hold's release. */
  private restore(): void {
    const now = this.o.clock.now();
    const entries = this.state.load();
    for (const [id, value] of entries) {
      const [part, scope, name, ...rest] = id.split('\u0000');
      if (scope !== this.o.scope || name === undefined) continue;
      const config = this.o.limitOf(name);
      let limit = this.limits.get(name);
      if (!limit) {
        limit = { bucket: undefined, held: new Map(), overflow: emptyOverflow(), timer: undefined };
        this.limits.set(name, limit);
      }
      if (part === 'b') {
        if (config) limit.bucket = newBucket(config, now, value as BucketState);
        else this.state.changed(id);
      } else if (part === 'h') {
        const held = value as Held;
        limit.held.set(rest.join('\u0000'), held);
        this.seq = Math.max(this.seq, held.seq + 1);
      } else if (part === 'o') limit.overflow = value as Overflow;
    }
    for (const [name, limit] of this.limits) {
      const config = this.o.limitOf(name);
      if (config) limit.bucket ??= newBucket(config, now);
      if (limit.held.size === 0 && limit.overflow.alerts === 0) continue;
      // Never synchronously: the stages after this one may not be built yet.
      this.arm(name, limit, limit.bucket ? limit.bucket.waitFor(now) : 0);
    }
  }
}

function newBucket(config: ThrottleConfig, now: number, resume?: BucketState): TokenBucket {
  return new TokenBucket(config.burst ?? config.rate.count, config.rate.count, config.rate.per, now, resume);
}

function emptyOverflow(): Overflow {
  return { alerts: 0, events: 0, rules: [] };
}
