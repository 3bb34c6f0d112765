// What every listener does with what it receives: hand events to the pipeline, count what arrived and
// what was refused, and warn about garbage (rate-limited) with the listener's name and the peer.
import type { RelayEvent } from '../event.ts';
import { ErrorCodes, type ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import { emptyStats, type EventSink, type SourceStats } from './source.ts';
import { WarnLimiter } from './warn-limiter.ts';

export class Intake {
  readonly stats: SourceStats = emptyStats();
  readonly log: Logger;
  readonly #warn: WarnLimiter;

  constructor(
    readonly name: string,
    private readonly sink: EventSink,
    log: Logger,
  ) {
    this.log = 'listener' in log.bindings() ? log : log.child({ listener: name });
    this.#warn = new WarnLimiter(this.log);
  }

  event(ev: RelayEvent): void {
    this.stats.received++;
    if (ev.parseError !== undefined) this.stats.parseErrors++;
    try {
      this.sink(ev);
    } catch (err) {
      // A pipeline bug must not take the listener (and every other connection on it) down.
      this.log.error({ err }, 'pipeline threw on an event; event dropped');
    }
  }

  oversize(peer: string | undefined, length: number | undefined, max: number): void {
    this.stats.oversize++;
    this.#warn.warn({ code: ErrorCodes.FRAME_OVERSIZE, peer, length, max }, 'frame larger than max_message_size dropped');
  }

  badFrame(peer: string | undefined, code: ErrorCode, reason: string, sample?: Buffer): void {
    this.stats.badFrames++;
    this.#warn.warn({ code, peer, reason, sample: sample?.subarray(0, 64).toString('utf8') }, `bad frame: ${reason}`);
  }

  rejected(peer: string | undefined, reason: string): void {
    this.stats.rejectedConnections++;
    this.#warn.warn({ peer, reason }, `connection refused: ${reason}`);
  }
}
