// How many events one listener's connections may hand on in one turn of the event loop. Past the bound
// the connection that delivered them is paused for the next turn's reads, so a flood on one socket cannot keep
// the loop in its reads: timers, the other connections and the alert path's own I/O (the outbox, a
// notifier's HTTP request) run between read batches, and unread bytes wait in the kernel, where TCP's
// window slows the sender instead of relay's heap growing. A turn is bounded in time too: the same events cost
// ten times more while the code is still cold (the first lines after a start), and an alert raised by one of
// them must not wait behind more reads than the next one would.
import type { Socket } from 'node:net';

/** Events a listener hands on per turn before it pauses: a few milliseconds of parsing and matching. */
export const DEFAULT_EVENTS_PER_TURN = 512;
/**
 * Frames the pre-filter turned away cost a byte search, not a parse (about a sixteenth of de-framing,
 * parsing and matching one): this many weigh as one event, so a turn costs about the same
 * whichever kind filled it, and a flood of uninteresting lines is read in larger batches.
 */
export const SCREENED_PER_EVENT = 16;
/** Milliseconds of reading a listener may spend in one turn before the connection that read last pauses. */
export const DEFAULT_TURN_MS = 2;

export class TurnBudget {
  #used = 0;
  #scheduled = false;
  readonly #paused = new Set<Socket>();
  #pauses = 0;
  #turnStart = 0;

  constructor(
    private readonly max: number = DEFAULT_EVENTS_PER_TURN,
    private readonly maxMs: number = DEFAULT_TURN_MS,
    /** Monotonic milliseconds; a test passes its own. */
    readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * `socket` just handed on `events` events and had `screened` frames turned away unparsed, having started
   * reading them at `startedAt` (this budget's clock); it pauses until the next turn if the listener's bound
   * of events or of time is spent.
   */
  spend(socket: Socket, events: number, screened = 0, startedAt = this.now()): void {
    if (events === 0 && screened === 0) return;
    this.#used += events + screened / SCREENED_PER_EVENT;
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#turnStart = startedAt;
      setImmediate(() => this.#nextTurn());
    }
    const spent = this.#used >= this.max || this.now() - this.#turnStart >= this.maxMs;
    if (spent && !this.#paused.has(socket)) {
      this.#pauses++;
      this.#paused.add(socket);
      socket.pause();
    }
  }

  /** Times a connection was paused for spending the bound (what tests and diagnostics read). */
  get pauses(): number {
    return this.#pauses;
  }

  #nextTurn(): void {
    this.#scheduled = false;
    this.#used = 0;
    if (this.#paused.size === 0) return;
    // The paused connections sit out one more poll phase: what the spent turn's alerts started (a notifier's
    // connect, the answer to its request) is handled then, not after the next read, which while the code is
    // still cold can take several milliseconds. It costs a flood one pass of the event loop per spent turn.
    const paused = [...this.#paused];
    this.#paused.clear();
    setImmediate(() => {
      for (const socket of paused) if (!socket.destroyed) socket.resume();
    });
  }
}
