// sudo's own syslog lines relay could not verify (an untrusted sender, or no allowed writer uid recorded by
// the host's syslog-ng): each became an unverified_sudo_line event instead of a sudo event.
import type { Registry } from 'prom-client';
import type { RelayReadings } from './relay-readings.ts';
import { scrapedCounter } from './scraped.ts';

export function registerSudoMetrics(registry: Registry, readings: () => RelayReadings): void {
  scrapedCounter(registry, {
    name: 'relay_sudo_unverified_lines_total',
    help: 'sudo syslog lines not believed (untrusted sender or writer), passed on as unverified_sudo_line events.',
    labelNames: ['listener'],
    read: () => Object.entries(readings().unverifiedSudoLines).map(([listener, n]) => [{ listener }, n]),
  });
}
