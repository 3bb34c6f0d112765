// The composition root: the whole pipeline in one screen.
//   source → parseFields (parsers/) → Pipeline (correlate → route → silence → aggregate → render → dedupe
//   → throttle; see src/pipeline/pipeline.ts) → outbox (durable, src/outbox/) → dispatch (retry, fold) → notifier
import type { Config } from './config/schema.ts';
import type { Logger } from './log.ts';
import type { RelayEvent } from './event.ts';
import { systemClock, type Clock } from './clock.ts';
import { createSource } from './sources/index.ts';
import type { Source } from './sources/source.ts';
import { parseFields } from '../parsers/index.ts';
import { Pipeline } from './pipeline/pipeline.ts';
import { SilenceDb } from './state/silence-db.ts';
import { RecentSudoLog } from './state/recent-sudo.ts';
import { Outbox } from './outbox/outbox.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { createNotifier } from '../notifiers/registry.ts';
import type { Notifier } from '../notifiers/types.ts';

export interface AppOptions {
  log: Logger;
  clock?: Clock;
}

export class App {
  readonly sources: Source[];
  readonly pipeline: Pipeline;
  readonly notifiers: Notifier[];
  private readonly clock: Clock;
  private silences: SilenceDb | undefined;
  private outbox: Outbox | undefined;
  private delivery: Dispatcher | undefined;
  /** What `relay test-sudo` shows: the last sudo events this relay received. */
  private readonly recentSudo: RecentSudoLog;

  constructor(readonly config: Config, private readonly opts: AppOptions) {
    this.clock = opts.clock ?? systemClock;
    this.recentSudo = new RecentSudoLog(config.state_dir);
    this.notifiers = [];
    for (const [name, url] of Object.entries(config.notifiers)) {
      if (url === '') opts.log.info({ notifier: name }, 'notifier disabled: its URL is empty');
      else this.notifiers.push(createNotifier(name, url));
    }
    this.pipeline = new Pipeline(config, this.clock, (alert) => this.dispatcher.enqueue(alert));
    this.sources = config.listeners.map((l) => createSource(l, (e) => this.accept(e), opts.log.child({ listener: l.name }), { clock: this.clock }));
  }

  /** Delivery exists from `start()` on: it needs the outbox on disk. */
  get dispatcher(): Dispatcher {
    if (!this.delivery) throw new Error('App.start() has not run: there is no outbox to deliver through yet');
    return this.delivery;
  }

  /** One event through the pipeline. */
  accept(event: RelayEvent): void {
    if (event.kind === 'sudo') this.recentSudo.record(event);
    this.pipeline.push(parseFields(event));
  }

  async start(): Promise<void> {
    // State is opened here, not in the constructor, so building an App (tests, `check`) touches no disk.
    this.silences = SilenceDb.open(this.config.state_dir);
    this.pipeline.useSilences(this.silences);
    this.outbox = Outbox.open(this.config.state_dir);
    this.delivery = new Dispatcher(this.notifiers, this.config.delivery, this.outbox, this.clock, this.opts.log.child({ stage: 'delivery' }));
    const started: Source[] = [];
    try {
      for (const s of this.sources) {
        await s.start();
        started.push(s);
        this.opts.log.info({ listener: s.name, type: s.type, address: s.address() }, 'listening');
      }
    } catch (e) {
      await Promise.allSettled(started.map((s) => s.stop()));
      await this.delivery.drain(0);
      this.outbox.close();
      throw e;
    }
    for (const n of this.notifiers) this.opts.log.info({ notifier: n.name, url: n.maskedUrl }, 'notifier ready');
  }

  /**
   * Close listeners first (nothing new comes in), let the pipeline send what it holds (open groups, counted
   * repeats, throttled alerts) into the outbox, then give alerts in hand a bounded time to go out.
   */
  async stop(): Promise<void> {
    await Promise.allSettled(this.sources.map((s) => s.stop()));
    for (const s of this.sources) this.opts.log.info({ listener: s.name, type: s.type, ...s.stats() }, 'listener totals');
    this.pipeline.flush();
    this.opts.log.info({ ...this.pipeline.stats() }, 'pipeline totals');
    this.silences?.close();
    this.recentSudo.flush();
    // What is not delivered within the grace stays in the outbox; drain logs how much.
    await this.delivery?.drain(this.config.delivery.shutdown_grace);
    this.outbox?.close();
  }
}
