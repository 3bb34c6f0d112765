// Whether the config in force is the one on disk, as Prometheus and Alertmanager operators look for it: the
// last reload's outcome (a refused one leaves 0 until a reload succeeds) and when the config in force was loaded.
import { Gauge, type Registry } from 'prom-client';
import type { RelayReadings } from './relay-readings.ts';

export function registerConfigMetrics(registry: Registry, current: () => RelayReadings): void {
  new Gauge({
    name: 'relay_config_last_reload_successful',
    help: 'Whether the last config reload succeeded (1) or was refused (0); 1 before any reload',
    registers: [registry],
    collect() {
      this.set(current().config.lastReloadSuccessful ? 1 : 0);
    },
  });
  new Gauge({
    name: 'relay_config_last_reload_success_timestamp_seconds',
    help: 'When the config in force was loaded (start or last successful reload), Unix seconds',
    registers: [registry],
    collect() {
      this.set(current().config.loadedAt / 1000);
    },
  });
}
