// The sudo audit plugin's listener: the Unix socket with each line validated against the plugin's event
// schema, plus the plugin's spool (what it could not send) collected at start and periodically. An event
// read twice — socket and spool, or a spool re-read after a crash — is passed on once. A reload applies new
// settings in place (a new spool restarts the collector) unless the path or the format changed.
import type { ListenerConfig, UnixListenerConfig } from '../../config/schema.ts';
import type { RelayEvent } from '../../event.ts';
import type { Logger } from '../../log.ts';
import { RecentKeys } from './recent-keys.ts';
import { SpoolCollector } from './spool-collector.ts';
import type { EventSink, Source, SourceStats } from '../source.ts';
import { parseSudoEvent, sudoEventKey, type SudoEvent } from './event-schema.ts';
import { UnixSource, type LineOrigin, type UnixSourceOptions } from '../unix.ts';

/** Severity of the raw plugin event; the correlate stage sets the final one from the call's outcome. */
const SEVERITY: Record<SudoEvent['event'], number> = { accept: 5, exit: 5, reject: 4, error: 4, exec_error: 4 };

/**
 * A self-check's sudo call (`relay test-sudo`, install.sh, the bench): `fields.probe: true`, which the shipped
 * rules send nowhere. Any user can set RELAY_PROBE, so the claim counts only for `true` without arguments:
 * it can hide nothing but a call that does nothing.
 */
const PROBE_COMMANDS = new Set(['/bin/true', '/usr/bin/true']);

function isProbe(e: SudoEvent): boolean {
  return e.probe === true && e.command !== undefined && PROBE_COMMANDS.has(e.command) && (e.argv ?? []).length <= 1;
}

export function sudoEvent(e: SudoEvent, origin: LineOrigin): RelayEvent {
  const fields: Record<string, unknown> = { ...e };
  if (isProbe(e)) fields.probe = true;
  else delete fields.probe;
  const ev: RelayEvent = {
    receivedAt: origin.receivedAt,
    listener: origin.listener,
    kind: 'sudo',
    facility: 'authpriv',
    severity: SEVERITY[e.event],
    timestamp: new Date(e.ts),
    host: e.host,
    app: 'sudo',
    procid: String(e.pid),
    message: `${e.event}: ${e.user} ${e.command ?? ''}`.trimEnd(),
    fields,
  };
  if (origin.peer !== undefined) ev.peer = origin.peer;
  return ev;
}

export class SudoSource implements Source {
  readonly type = 'unix';
  readonly #unix: UnixSource;
  readonly #sink: EventSink;
  readonly #log: Logger;
  #config: UnixListenerConfig;
  #spool: SpoolCollector | undefined;
  readonly #recent = new RecentKeys();
  #running = false;

  constructor(config: UnixListenerConfig, sink: EventSink, log: Logger, opts: Omit<UnixSourceOptions, 'toEvent'> = {}) {
    this.#config = config;
    this.#sink = sink;
    this.#log = log;
    this.#unix = new UnixSource(config, sink, log, {
      ...opts,
      toEvent: (line, origin) => {
        const parsed = parseSudoEvent(line);
        if (!parsed.ok) throw new Error(parsed.reason);
        if (this.#recent.seen(sudoEventKey(parsed.event))) throw new Error(`already received: ${sudoEventKey(parsed.event)}`);
        return sudoEvent(parsed.event, origin);
      },
    });
    this.#spool = this.#collector(config);
  }

  get name(): string {
    return this.#config.name;
  }

  stats(): SourceStats {
    return this.#unix.stats();
  }

  inherit(previous: Pick<Source, 'stats'>): void {
    this.#unix.inherit(previous);
  }

  async start(): Promise<void> {
    await this.#unix.start();
    if (!this.#running) this.#spool?.start();
    this.#running = true;
  }

  /** The socket stops accepting; the spool goes on being collected (a handover resumes or stops it). */
  pause(): Promise<void> {
    return this.#unix.pause();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#spool?.stop();
    await this.#unix.stop();
  }

  /** In place unless the path changed; a new spool or spool_interval restarts the collector. */
  async reconfigure(config: ListenerConfig): Promise<boolean> {
    if (!(await this.#unix.reconfigure(config)) || config.type !== 'unix') return false;
    if (config.spool !== this.#config.spool || config.spool_interval !== this.#config.spool_interval) {
      await this.#spool?.stop();
      this.#spool = this.#collector(config);
      if (this.#running) this.#spool?.start();
    }
    this.#config = config;
    return true;
  }

  address(): string {
    return this.#unix.address();
  }

  /** Collect the spool now (tests, and `relay` after a signal in the future); resolves when done. */
  collectSpool(): Promise<unknown> {
    return this.#spool?.collectOnce() ?? Promise.resolve();
  }

  #collector(config: UnixListenerConfig): SpoolCollector | undefined {
    if (!config.spool) return undefined;
    const origin = { listener: config.name, peer: 'spool' };
    return new SpoolCollector({
      path: config.spool,
      intervalMs: config.spool_interval,
      recent: this.#recent,
      onRecord: (record) => {
        if (record.ok) this.#sink(sudoEvent(record.event, { ...origin, receivedAt: new Date() }));
        else this.#log.warn({ reason: record.reason }, 'bad line in the sudo spool, skipped');
      },
      onError: (err) => this.#log.warn({ err: (err as Error).message, spool: config.spool }, 'cannot collect the sudo spool; will retry'),
    });
  }
}
