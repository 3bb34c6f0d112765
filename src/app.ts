// The composition root: the whole pipeline in one screen.
//   source → parse → match/route → dispatch (retry) → notifier
import type { Config } from './config/schema.ts';
import type { Logger } from './log.ts';
import type { RelayEvent } from './event.ts';
import { systemClock, type Clock } from './clock.ts';
import { createSource } from './sources/index.ts';
import type { Source } from './sources/source.ts';
import { Router } from './pipeline/router.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { createNotifier } from '../notifiers/registry.ts';
import type { Notifier } from '../notifiers/types.ts';

export interface AppOptions {
  log: Logger;
  clock?: Clock;
}

export class App {
  readonly sources: Source[];
  readonly router: Router;
  readonly dispatcher: Dispatcher;
  readonly notifiers: Notifier[];
  private readonly clock: Clock;

  constructor(readonly config: Config, private readonly opts: AppOptions) {
    this.clock = opts.clock ?? systemClock;
    this.notifiers = Object.entries(config.notifiers)
      .filter(([name, url]) => url !== '' || (opts.log.info({ notifier: name }, 'notifier disabled: its URL is empty'), false))
      .map(([name, url]) => createNotifier(name, url));
    this.router = new Router(config.rules);
    this.dispatcher = new Dispatcher(this.notifiers, config.delivery, this.clock, opts.log.child({ stage: 'delivery' }));
    this.sources = config.listeners.map((l) => createSource(l, (e) => this.accept(e), opts.log.child({ listener: l.name })));
  }

  /** One event through the pipeline. */
  accept(event: RelayEvent): void {
    for (const alert of this.router.route(event, this.clock.now())) this.dispatcher.enqueue(alert);
  }

  async start(): Promise<void> {
    const started: Source[] = [];
    try {
      for (const s of this.sources) {
        await s.start();
        started.push(s);
        this.opts.log.info({ listener: s.name, type: s.type, address: s.address() }, 'listening');
      }
    } catch (e) {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw e;
    }
    for (const n of this.notifiers) this.opts.log.info({ notifier: n.name, url: n.maskedUrl }, 'notifier ready');
  }

  /** Close listeners first (nothing new comes in), then give alerts in hand a bounded time to go out. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.sources.map((s) => s.stop()));
    const left = await this.dispatcher.drain(this.config.delivery.shutdown_grace);
    if (left > 0) this.opts.log.warn({ undelivered: left }, 'stopped with alerts still queued');
  }
}
