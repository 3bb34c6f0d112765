// Where every event enters the running pipeline: each listener's sink, and POST /events. A host's heartbeat
// on the sudo path (syslog-ng's MARK, believed only from trusted senders) is recorded and goes no further.
// Sudo events that hosts forward inside syslog become sudo events here (believed only from trusted
// senders), a sudo event handed on before (a host's disk buffer resending, the plugin's socket and spool,
// also across a restart: the record is in state_dir) is dropped, the others are recorded for `relay
// test-sudo`, parsers/ read the fields, sudo's own syslog lines are vouched for (or marked unverified), and
// the event goes to the pipeline in force — a reload puts the next one in place. Each syslog listener asks
// its pre-filter through `screen`.
import type { ListenerConfig } from './config/schema.ts';
import type { RelayEvent } from './event.ts';
import type { Logger } from './log.ts';
import type { FrameScreen } from './sources/source.ts';
import { SyslogWrappedSudo } from './sources/sudo/syslog-wrapped.ts';
import { SudoHeartbeats, type Heartbeat } from './sources/sudo/heartbeat.ts';
import { parseFields, unparsedApp } from '../parsers/index.ts';
import type { Pipeline } from './pipeline/pipeline.ts';

/** What keeps the sudo events and heartbeats `relay test-sudo` shows, and which events were handed on already. */
export interface SudoRecorder {
  /** Records a sudo event; false, recording nothing, when this very event was handed on before. */
  recordSudo(event: RelayEvent): boolean;
  recordHeartbeat(beat: Heartbeat): void;
}

export class Entry {
  private pipeline: Pipeline | undefined;
  private recorder: SudoRecorder | undefined;
  private syslogSudo: SyslogWrappedSudo;
  private heartbeats: SudoHeartbeats;
  /** Lines of a program parsers/ knows that no shape of it matched, per program (a bounded set of names). */
  private readonly unparsed = new Map<string, number>();

  constructor(
    listeners: readonly ListenerConfig[],
    private readonly log: Logger,
  ) {
    this.syslogSudo = this.unwrapperFor(listeners);
    this.heartbeats = this.heartbeatsFor(listeners);
  }

  /** One event in: a listener's sink (a property, so it can be handed over as it is). */
  readonly push = (received: RelayEvent): void => {
    const read = this.heartbeats.read(received);
    if ('beat' in read) {
      this.recorder?.recordHeartbeat(read.beat);
      return;
    }
    const event = this.syslogSudo.unwrap(read.event);
    if (event.kind === 'sudo' && this.recorder?.recordSudo(event) === false) {
      this.log.debug(
        { listener: event.listener, host: event.host, id: event.fields.id, seq: event.fields.seq },
        'sudo event already received; dropped',
      );
      return;
    }
    const parsed = parseFields(event);
    const app = unparsedApp(parsed);
    if (app !== undefined) this.unparsed.set(app, (this.unparsed.get(app) ?? 0) + 1);
    this.running().push(this.syslogSudo.vouch(parsed));
  };

  /** The pre-filter a syslog listener asks before it parses a frame. */
  screen(listener: string): FrameScreen {
    return (frame) => this.running().admits(listener, frame);
  }

  /** The pipeline events go to from now on (start, and each reload), with the listeners it was planned for. */
  use(pipeline: Pipeline, listeners: readonly ListenerConfig[], recorder: SudoRecorder): void {
    this.pipeline = pipeline;
    this.recorder = recorder;
    this.syslogSudo = this.unwrapperFor(listeners);
    this.heartbeats = this.heartbeatsFor(listeners);
  }

  private running(): Pipeline {
    if (!this.pipeline) throw new Error('App.start() has not run: the pipeline has not loaded its state yet');
    return this.pipeline;
  }

  /** Lines of a program with a parser that no shape matched, per program, since start. */
  unparsedLines(): ReadonlyMap<string, number> {
    return this.unparsed;
  }

  /** sudo syslog lines relay could not verify, per listener, since start. */
  unverifiedSudoLines(): ReadonlyMap<string, number> {
    return this.syslogSudo.unverified;
  }

  private heartbeatsFor(listeners: readonly ListenerConfig[]): SudoHeartbeats {
    return new SudoHeartbeats(listeners, this.log.child({ stage: 'sudo-heartbeat' }));
  }

  private unwrapperFor(listeners: readonly ListenerConfig[]): SyslogWrappedSudo {
    return new SyslogWrappedSudo(listeners, this.log.child({ stage: 'syslog-sudo' }), this.syslogSudo?.unverified);
  }
}
