// A relay process's memory as the fuzz run reads it: RSS from /proc, the heap after a full collection (the
// process answers SIGUSR2 with a "fuzz memory" log line, bench/fuzz-relay.ts), and RSS once it has settled.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RelayMemory {
  /** @param log everything the relay has written to stderr so far */
  constructor(
    private readonly relay: ChildProcess,
    private readonly log: () => string,
  ) {}

  rssKb(field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${this.relay.pid}/status`, 'utf8'));
    return Number(m?.[1] ?? NaN);
  }

  /** relay's memory after a full garbage collection. */
  async collected(): Promise<Memory> {
    const seen = this.log().length;
    this.relay.kill('SIGUSR2');
    for (;;) {
      const line = this.log()
        .slice(seen)
        .split('\n')
        .find((l) => l.includes('"fuzz memory"'));
      if (line) return JSON.parse(line) as Memory;
      await pause(50);
    }
  }

  /**
   * RSS at rest: a full GC, then 20 s idle (V8's memory reducer hands unused pages back some seconds after
   * a burst), then until it stops moving (< 2 % over 5 s), at most 60 s in all.
   */
  async settledRss(): Promise<number> {
    await this.collected();
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      samples.push(this.rssKb());
      const last = samples.slice(-6);
      if (i >= 20 && Math.max(...last) - Math.min(...last) < 0.02 * Math.min(...last)) break;
      await pause(1000);
    }
    return samples[samples.length - 1]!;
  }
}
