// Lines from a program relay has a parser for (sshd, su, login, PAM users, …) that no shape of it matched:
// a count that grows says the parsers miss something those hosts log (`relay replay --unparsed` shows what).
import type { Registry } from 'prom-client';
import type { RelayReadings } from './relay-readings.ts';
import { scrapedCounter } from './scraped.ts';

export function registerParseMetrics(registry: Registry, readings: () => RelayReadings): void {
  scrapedCounter(registry, {
    name: 'relay_parse_unknown_total',
    help: 'Lines of a program parsers/ reads that matched none of its known shapes, per program.',
    labelNames: ['app'],
    read: () => Object.entries(readings().parseUnknown).map(([app, n]) => [{ app }, n]),
  });
}
