// Metric families whose values are read at scrape time from counters relay already keeps: nothing is
// pushed on the hot path, a scrape copies the current numbers (prom-client's collect() callback).
import { Counter, Gauge, type Registry } from 'prom-client';

/** One sample: its label values and its value. */
export type Sample<L extends string> = [Record<L, string>, number];

interface Family<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** The samples now; a label set not returned is absent from this scrape. */
  read(): Iterable<Sample<L>>;
}

/** A counter that relay counts elsewhere (monotonic for the life of the process). */
export function scrapedCounter<L extends string>(registry: Registry, family: Family<L>): void {
  const { read, ...config } = family;
  new Counter<L>({
    ...config,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/** A value that goes up and down (queue depth, age, a 0/1 state). */
export function scrapedGauge<L extends string>(registry: Registry, family: Family<L>): void {
  const { read, ...config } = family;
  new Gauge<L>({
    ...config,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}
