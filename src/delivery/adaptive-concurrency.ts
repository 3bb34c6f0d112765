// How many sends one notifier may have in flight, adapted like Vector's ARC (a TCP-style AIMD loop): start
// at 1, add 1 per round while the limit is in use and the round's mean latency holds (within 2.5 deviations
// of past rounds), halve at once when the provider pushes back (429, 5xx, timeouts), never above the
// notifier's `concurrency`. Like TCP (and unlike ARC, which starts from a configured guess), the first
// rounds double instead of adding 1 (slow start) until latency first rises or the provider first pushes
// back: a burst to a slow webhook reaches its level in a handful of round trips, not dozens. A round is
// `limit` sends started after the last change (a generation number tells them apart), so a burst of
// failures from one round halves the limit once, not once per failure.

/** EWMA weight of a new latency sample (Vector's default). */
const ALPHA = 0.4;
/** Latency "holds" while a round's mean is within this many deviations of the mean (Vector's rtt_deviation_scale). */
const DEVIATIONS = 2.5;
/** Timer and scheduling noise a fast loopback receiver shows, in ms: below it no deviation counts. */
const NOISE_MS = 2;

export type SendOutcome = 'ok' | 'pushback' | 'rejected';

/** What `started` returns and `finished` takes back: the generation the send began in. */
export type SendTicket = number;

export class AdaptiveConcurrency {
  private current = 1;
  private generation = 0;
  /** The limit was in use (that many sends in flight) during the current round. */
  private saturated = false;
  /** Latencies of the current round's sends: a round ends after `limit` of them. */
  private roundCount = 0;
  private roundSum = 0;
  /** Past rounds' mean latency (EWMA) and its variance. */
  private mean: number | undefined;
  private variance = 0;
  /** Doubling per round until the first sign of load. */
  private slowStart = true;

  constructor(readonly max: number) {}

  get limit(): number {
    return this.current;
  }

  /** A send starts with `inFlight` others already under way. */
  started(inFlight: number): SendTicket {
    if (inFlight + 1 >= this.current) this.saturated = true;
    return this.generation;
  }

  finished(ticket: SendTicket, latencyMs: number, outcome: SendOutcome): void {
    // A send that began before the last change says nothing about the limit as it is now.
    if (ticket !== this.generation || outcome === 'rejected') return;
    if (outcome === 'pushback') {
      this.slowStart = false;
      this.nextRound(Math.max(1, Math.floor(this.current / 2)));
      return;
    }
    this.roundCount++;
    this.roundSum += latencyMs;
    if (this.roundCount < this.current) return;
    const latency = this.roundSum / this.roundCount;
    const holds = this.mean === undefined || latency <= this.mean + DEVIATIONS * Math.sqrt(this.variance) + NOISE_MS;
    this.sample(latency);
    if (!holds) this.slowStart = false;
    const grown = this.slowStart ? this.current * 2 : this.current + 1;
    this.nextRound(holds && this.saturated ? Math.min(this.max, grown) : this.current);
  }

  private nextRound(limit: number): void {
    this.current = limit;
    this.generation++;
    this.saturated = false;
    this.roundCount = 0;
    this.roundSum = 0;
  }

  private sample(ms: number): void {
    if (this.mean === undefined) {
      this.mean = ms;
      return;
    }
    const diff = ms - this.mean;
    this.mean += ALPHA * diff;
    this.variance = (1 - ALPHA) * (this.variance + ALPHA * diff * diff);
  }
}
