// How long one stream connection may take: a frame it has begun must end within `frame_timeout`, and
// between frames it may stay silent for `idle_timeout`. Either expiring closes the connection.
import type { Clock, Timer } from '../clock.ts';

/** The two bounds, in milliseconds. */
export interface DeadlineTimeouts {
  frameTimeoutMs: number;
  idleTimeoutMs: number;
}

/** What the deadline watches: the connection's de-framer. */
export interface FrameProgress {
  readonly inFrame: boolean;
  readonly framesBegun: number;
}

/**
 * One connection's deadline: `frame_timeout` from the start of a frame that has not ended, else
 * `idle_timeout` from the end of the last frame (or the connect). Bytes alone do not count as activity,
 * so neither a byte-a-second trickle nor a stream of blank lines holds a slot. One timer per connection,
 * re-armed lazily: on a steady stream it fires at most once per timeout, not once per chunk.
 */
export class Deadline {
  #since: number;
  #inFrame = false;
  #begun = 0;
  #timer: Timer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly opts: DeadlineTimeouts,
    private readonly reader: FrameProgress,
    private readonly expire: (why: 'frame' | 'idle') => void,
  ) {
    this.#since = clock.now();
    this.#arm();
  }

  pushed(): void {
    const { inFrame, framesBegun } = this.reader;
    if (inFrame === this.#inFrame && framesBegun === this.#begun) return;
    this.#since = this.clock.now();
    this.#inFrame = inFrame;
    this.#begun = framesBegun;
    if (this.#due() < this.#timerAt) this.#arm();
  }

  /** The timeouts changed (a reload): the deadline is counted again from the same start with the new ones. */
  retime(): void {
    if (this.#timer) this.#arm();
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #due(): number {
    return this.#since + (this.#inFrame ? this.opts.frameTimeoutMs : this.opts.idleTimeoutMs);
  }

  #arm(): void {
    this.#timer?.cancel();
    const now = this.clock.now();
    this.#timerAt = this.#due();
    this.#timer = this.clock.setTimer(this.#timerAt - now, () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.clock.now() >= this.#due()) this.expire(this.#inFrame ? 'frame' : 'idle');
    else this.#arm();
  }
}
