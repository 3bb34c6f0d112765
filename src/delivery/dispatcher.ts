// Hands alerts to notifiers: one lane per notifier, sent in order, one at a time (what providers' rate
// limits expect), retried with exponential backoff or after the provider's own Retry-After.
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import type { DeliveryConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Message, Notifier } from '../../notifiers/types.ts';
import { NotifyError } from '../errors.ts';

export interface DeliveryStats {
  sent: number;
  retried: number;
  failed: number;
  queued: number;
}

interface Lane {
  notifier: Notifier;
  queue: Alert[];
  running: boolean;
}

export class Dispatcher {
  readonly stats: DeliveryStats = { sent: 0, retried: 0, failed: 0, queued: 0 };
  private readonly lanes = new Map<string, Lane>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    notifiers: Iterable<Notifier>,
    private readonly config: DeliveryConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    for (const n of notifiers) this.lanes.set(n.name, { notifier: n, queue: [], running: false });
  }

  enqueue(alert: Alert): void {
    for (const name of alert.notify) {
      const lane = this.lanes.get(name);
      if (!lane) continue; // a disabled notifier (optional URL not set)
      lane.queue.push(alert);
      this.stats.queued++;
      if (!lane.running) void this.pump(lane);
    }
  }

  /** Resolves when every lane is empty, or after `timeoutMs`; returns how many alerts were still queued. */
  async drain(timeoutMs: number): Promise<number> {
    if (this.stats.queued > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimer(timeoutMs, resolve);
        this.idleWaiters.push(() => {
          timer.cancel();
          resolve();
        });
      });
    }
    const left = this.stats.queued;
    this.abort.abort();
    return left;
  }

  private async pump(lane: Lane): Promise<void> {
    lane.running = true;
    while (lane.queue.length > 0 && !this.abort.signal.aborted) {
      const alert = lane.queue[0]!;
      await this.deliver(lane.notifier, alert);
      lane.queue.shift();
      this.stats.queued--;
    }
    lane.running = false;
    if (this.stats.queued === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  private async deliver(notifier: Notifier, alert: Alert): Promise<void> {
    const message: Message = { title: alert.title, body: alert.body, type: alert.type, severity: alert.severity };
    for (let attempt = 1; ; attempt++) {
      try {
        const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.timeout)]);
        await notifier.send(message, { signal });
        this.stats.sent++;
        this.log.debug({ notifier: notifier.name, alert: alert.id, attempt }, 'alert sent');
        return;
      } catch (e) {
        const retryable = e instanceof NotifyError ? e.retryable : true;
        const context = { notifier: notifier.name, url: notifier.maskedUrl, alert: alert.id, rule: alert.rule, attempt, err: describe(e) };
        if (!retryable || attempt >= this.config.attempts || this.abort.signal.aborted) {
          this.stats.failed++;
          this.log.error({ ...context, code: (e as { code?: string }).code }, 'alert not delivered, giving up');
          return;
        }
        const delay = this.retryDelay(attempt, e);
        this.stats.retried++;
        this.log.warn({ ...context, retryInMs: delay }, 'alert delivery failed, will retry');
        await this.sleep(delay);
      }
    }
  }

  /** The provider's hint wins; otherwise exponential backoff with jitter, capped. */
  private retryDelay(attempt: number, e: unknown): number {
    if (e instanceof NotifyError && e.retryAfterMs !== undefined) return Math.min(e.retryAfterMs, this.config.max_backoff);
    const base = this.config.backoff * 2 ** (attempt - 1);
    return Math.min(this.config.max_backoff, Math.round(base * (0.8 + Math.random() * 0.4)));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(ms, resolve);
      this.abort.signal.addEventListener('abort', () => {
        timer.cancel();
        resolve();
      }, { once: true });
    });
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
